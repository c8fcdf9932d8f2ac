import { Suspense } from "react";
import { AuthForm } from "@/components/auth/auth-form";
import { redirectSignedInUser } from "@/server/auth/guards";

export const metadata = { title: "Sign in · BuildOS SMS" };

export default async function SignInPage() {
  await redirectSignedInUser();
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-6 text-2xl font-semibold text-slate-900">Sign in</h1>
      <Suspense>
        <AuthForm mode="sign-in" />
      </Suspense>
    </div>
  );
}
