"use client";

import Link from "next/link";
import { startTransition, useActionState, useState, type FormEvent } from "react";
import { PASSWORD_MIN_LENGTH } from "@/common/limits";
import type { AuthFormState } from "@/server/auth/password-forms";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { Alert } from "../ui/states";

type Mode = "sign-in" | "sign-up";
type AuthAction = (previous: AuthFormState, form: FormData) => Promise<AuthFormState>;

const initialState: AuthFormState = { errors: {}, values: {} };

/**
 * Posts to a server action: the browser sends a POST (never a GET with the password in the
 * URL), and the form works the same before its scripts load or with scripts off. The server
 * checks every field and decides where to go next (`next` is only a suggestion).
 */
export function AuthForm({ mode, action, next }: { mode: Mode; action: AuthAction; next?: string }) {
  const [state, formAction, pending] = useActionState(action, initialState);
  const { values } = state;
  // Fields edited since this answer came: their errors (and the form's) are stale and go.
  const [edited, setEdited] = useState<{ answer: AuthFormState; fields: ReadonlySet<string> }>({ answer: state, fields: new Set() });
  const stale = edited.answer === state ? edited.fields : new Set<string>();
  const errors = Object.fromEntries(
    Object.entries(state.errors).filter(([field]) => !stale.has(field) && !(field === "form" && stale.size > 0)),
  ) as AuthFormState["errors"];

  function onEdit(event: FormEvent<HTMLFormElement>) {
    const name = (event.target as HTMLInputElement).name;
    if (name) setEdited({ answer: state, fields: new Set([...stale, name]) });
  }

  // With scripts, submit without React's automatic form reset, so what was typed (the password
  // too) stays in the boxes when the answer is an error. Without scripts the form posts as usual.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => formAction(form));
  }

  return (
    <form action={formAction} onSubmit={onSubmit} onChange={onEdit} noValidate className="space-y-4">
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      {next ? <input type="hidden" name="next" value={next} /> : null}
      {mode === "sign-up" ? (
        <TextField label="Name" name="name" autoComplete="name" defaultValue={values.name} error={errors.name} />
      ) : null}
      <TextField label="Email" name="email" type="email" autoComplete="email" defaultValue={values.email} error={errors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
        error={errors.password}
        hint={mode === "sign-up" ? `At least ${PASSWORD_MIN_LENGTH} characters; a few uncommon words work well` : undefined}
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
