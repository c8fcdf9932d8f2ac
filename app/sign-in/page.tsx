import { AuthForm } from "@/components/auth/auth-form";
import { redirectSignedInUser } from "@/server/auth/guards";
import { signInAction } from "./actions";

export const metadata = { title: "Sign in · BuildOS SMS" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  await redirectSignedInUser();
  const { next } = await searchParams;
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-6 text-2xl font-semibold text-slate-900">Sign in</h1>
      <AuthForm mode="sign-in" action={signInAction} next={typeof next === "string" ? next : undefined} />
    </div>
  );
}
