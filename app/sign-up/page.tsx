import { AuthForm } from "@/components/auth/auth-form";
import { redirectSignedInUser } from "@/server/auth/guards";
import { signUpAction } from "./actions";

export const metadata = { title: "Create account · BuildOS SMS" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  await redirectSignedInUser();
  const { next } = await searchParams;
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-6 text-2xl font-semibold text-slate-900">Create your account</h1>
      <AuthForm mode="sign-up" action={signUpAction} next={typeof next === "string" ? next : undefined} />
    </div>
  );
}
