"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { appAuthDeps } from "@/server/auth/app-auth-deps";
import { signInWithForm, type AuthFormState } from "@/server/auth/password-forms";
import { safeRedirectPath } from "@/server/auth/redirect";
import { env } from "@/server/config/env";

/** The sign-in form posts here, with or without scripts; success redirects to a page of this site. */
export async function signInAction(_previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  const result = await signInWithForm(appAuthDeps(), form, await headers());
  if (!result.ok) return result.state;
  (await cookies()).set(result.deviceCookie.name, result.deviceCookie.value, result.deviceCookie.options);
  redirect(safeRedirectPath(form.get("next"), env().PUBLIC_URL));
}
