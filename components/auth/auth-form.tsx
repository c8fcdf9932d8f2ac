"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "../auth-client";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { Alert } from "../ui/states";

type Mode = "sign-in" | "sign-up";
type Errors = Partial<Record<"name" | "email" | "password" | "form", string>>;

const PASSWORD_MIN_LENGTH = 8;

function validate(mode: Mode, values: { name: string; email: string; password: string }): Errors {
  const errors: Errors = {};
  if (mode === "sign-up" && !values.name.trim()) errors.name = "Enter your name";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim())) errors.email = "Enter a valid email address";
  if (mode === "sign-up" && values.password.length < PASSWORD_MIN_LENGTH) {
    errors.password = `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  }
  if (mode === "sign-in" && !values.password) errors.password = "Enter your password";
  return errors;
}

/** better-auth error codes, said plainly. */
function describeAuthError(code: string | undefined, message: string | undefined): Errors {
  switch (code) {
    case "USER_ALREADY_EXISTS":
    case "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL":
      return { email: "An account with this email already exists. Sign in instead." };
    case "INVALID_EMAIL_OR_PASSWORD":
      return { form: "Email or password is incorrect." };
    case "PASSWORD_TOO_SHORT":
      return { password: `Use at least ${PASSWORD_MIN_LENGTH} characters` };
    case "INVALID_EMAIL":
      return { email: "Enter a valid email address" };
    default:
      return { form: message ?? "Something went wrong. Please try again." };
  }
}

export function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const next = useSearchParams().get("next");
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const values = {
      name: String(data.get("name") ?? ""),
      email: String(data.get("email") ?? "").trim(),
      password: String(data.get("password") ?? ""),
    };
    const found = validate(mode, values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setPending(true);
    const result =
      mode === "sign-up"
        ? await authClient.signUp.email({ name: values.name.trim(), email: values.email, password: values.password })
        : await authClient.signIn.email({ email: values.email, password: values.password });
    setPending(false);
    if (result.error) {
      setErrors(describeAuthError(result.error.code, result.error.message));
      return;
    }
    // Only same-site paths, so a crafted ?next= cannot send users elsewhere.
    router.push(next?.startsWith("/") && !next.startsWith("//") ? next : "/settings/sms");
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      {mode === "sign-up" ? <TextField label="Name" name="name" autoComplete="name" error={errors.name} /> : null}
      <TextField label="Email" name="email" type="email" autoComplete="email" error={errors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
        error={errors.password}
        hint={mode === "sign-up" ? `At least ${PASSWORD_MIN_LENGTH} characters` : undefined}
      />
      <Button type="submit" pending={pending} className="w-full">
        {mode === "sign-up" ? "Create account" : "Sign in"}
      </Button>
      <p className="text-center text-sm text-slate-500">
        {mode === "sign-up" ? (
          <>
            Have an account? <Link className="text-indigo-700 underline hover:text-indigo-900" href="/sign-in">Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link className="text-indigo-700 underline hover:text-indigo-900" href="/sign-up">Create an account</Link>
          </>
        )}
      </p>
    </form>
  );
}
