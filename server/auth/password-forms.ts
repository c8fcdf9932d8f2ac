import { isAPIError, type APIError } from "better-auth/api";
import { clientAddress, headersWithClientAddress } from "../http/client-address";
import { gateSignIn, limitClient, tooManyAttemptsMessage } from "./attempt-limits";
import type { AuthDeps } from "./app-auth-deps";
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS, issueDeviceCookie } from "./device-cookie";
import { fieldMessages, signInSchema, signUpSchema, type CredentialField } from "./credentials";

/** What the sign-in and sign-up forms show after a submission that did not sign anyone in. */
export interface AuthFormState {
  errors: Partial<Record<CredentialField | "form", string>>;
  /** Typed values to fill the form again (never the password). */
  values: { name?: string; email?: string };
}

export type AuthFormResult = { ok: true } | { ok: false; state: AuthFormState };

/** A cookie the sign-in action sets on success (the device cookie, ./device-cookie.ts). */
export interface FormCookie {
  name: string;
  value: string;
  options: { path: string; maxAge: number; httpOnly: true; sameSite: "lax"; secure: boolean };
}

const text = (value: FormDataEntryValue | null) => (typeof value === "string" ? value : "");

/** better-auth's refusals, said plainly and put next to the field they are about. */
function describe(error: APIError): AuthFormState["errors"] {
  const body = (error.body ?? {}) as { code?: string; message?: string; field?: CredentialField };
  switch (body.code) {
    case "USER_ALREADY_EXISTS":
    case "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL":
      return { email: "An account with this email already exists. Sign in instead." };
    case "INVALID_EMAIL_OR_PASSWORD":
      return { form: "Email or password is incorrect." };
    case "INVALID_EMAIL":
      return { email: "Enter a valid email address" };
    default:
      if (body.field && body.message) return { [body.field]: body.message };
      return { form: "Something went wrong. Please try again." };
  }
}

async function attempt(run: () => Promise<unknown>): Promise<AuthFormState["errors"] | null> {
  try {
    await run();
    return null;
  } catch (error) {
    // isAPIError, not instanceof: the bundler can load better-call's error class more than once.
    if (isAPIError(error) && error.statusCode < 500) return describe(error);
    throw error;
  }
}

/** The sign-in form: the same checks and limits as /api/auth/sign-in/email, then better-auth. */
export async function signInWithForm(
  deps: AuthDeps,
  form: FormData,
  requestHeaders: Headers,
): Promise<(AuthFormResult & { ok: false }) | { ok: true; deviceCookie: FormCookie }> {
  const values = { email: text(form.get("email")).slice(0, 1000) };
  const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { ok: false, state: { errors: fieldMessages(parsed.error), values } };
  const { email, password } = parsed.data;

  const address = clientAddress(requestHeaders, deps.trustedProxies);
  const gate = await gateSignIn(deps, { email, address, cookieHeader: requestHeaders.get("cookie") });
  if (!gate.allowed) return { ok: false, state: { errors: { form: tooManyAttemptsMessage(gate.kind, gate.retryAfterSeconds) }, values } };
  const headers = headersWithClientAddress(requestHeaders, address);
  const errors = await attempt(() => deps.auth.api.signInEmail({ body: { email, password }, headers }));
  if (errors) return { ok: false, state: { errors, values } };
  await gate.forget();
  const { value } = issueDeviceCookie(deps.secret, email, new Date());
  return {
    ok: true,
    deviceCookie: {
      name: DEVICE_COOKIE,
      value,
      options: { path: "/", maxAge: DEVICE_COOKIE_DAYS * 86_400, httpOnly: true, sameSite: "lax", secure: deps.secureCookies },
    },
  };
}

/** The sign-up form: field checks first (all at once), then better-auth, whose hook checks them again for the API. */
export async function signUpWithForm(deps: AuthDeps, form: FormData, requestHeaders: Headers): Promise<AuthFormResult> {
  const values = { name: text(form.get("name")).slice(0, 1000), email: text(form.get("email")).slice(0, 1000) };
  const parsed = signUpSchema.safeParse({ name: form.get("name"), email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { ok: false, state: { errors: fieldMessages(parsed.error), values } };

  const address = clientAddress(requestHeaders, deps.trustedProxies);
  const perClient = await limitClient(deps, "sign-up", address);
  if (!perClient.allowed) {
    return { ok: false, state: { errors: { form: tooManyAttemptsMessage("client", perClient.retryAfterSeconds) }, values } };
  }
  const headers = headersWithClientAddress(requestHeaders, address);
  const errors = await attempt(() => deps.auth.api.signUpEmail({ body: parsed.data, headers }));
  return errors ? { ok: false, state: { errors, values } } : { ok: true };
}
