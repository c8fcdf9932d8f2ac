"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { appAuthDeps } from "@/server/auth/app-auth-deps";
import { signUpWithForm, type AuthFormState } from "@/server/auth/password-forms";
import { safeRedirectPath } from "@/server/auth/redirect";
import { env } from "@/server/config/env";

/** The sign-up form posts here, with or without scripts; a new account is signed in and redirected. */
export async function signUpAction(_previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  const result = await signUpWithForm(appAuthDeps(), form, await headers());
  if (!result.ok) return result.state;
  redirect(safeRedirectPath(form.get("next"), env().PUBLIC_URL));
}
