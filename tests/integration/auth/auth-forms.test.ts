import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { ACCOUNT_ATTEMPTS } from "@/server/auth/attempt-limits";
import { signInWithForm, signUpWithForm } from "@/server/auth/password-forms";
import { authDepsFor } from "../../helpers/auth";
import { testDatabases } from "../../helpers/test-db";

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};
const from = (forwardedFor: string) => new Headers({ "x-forwarded-for": forwardedFor });

describe.each(testDatabases())("the sign-in and sign-up forms on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  it("explains every bad field at once and never echoes the password", async () => {
    const result = await signUpWithForm(authDepsFor(handle.db), form({ name: " ", email: "nope", password: "short" }), new Headers());
    expect(result).toEqual({
      ok: false,
      state: {
        errors: { name: "Enter your name", email: "Enter a valid email address", password: "Use at least 8 characters" },
        values: { name: " ", email: "nope" },
      },
    });
  });

  it("puts a weak password's reason next to the password field", async () => {
    const result = await signUpWithForm(
      authDepsFor(handle.db),
      form({ name: "Pat", email: "pat@example.test", password: "12345678" }),
      new Headers(),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.state.errors.password).toMatch(/^This is one of the most common passwords\./);
  });

  it("shares the per-client limit with the API, whatever X-Forwarded-For says", async () => {
    const deps = authDepsFor(handle.db, { attemptsPerMinute: 2 });
    const attempt = (i: number) => signInWithForm(deps, form({ email: `x${i}@example.test`, password: "nope-nope-nope" }), from(`203.0.113.${i}`));
    expect((await attempt(1)).ok).toBe(false);
    expect((await attempt(2)).ok).toBe(false);
    const third = await attempt(3);
    expect(!third.ok && third.state.errors.form).toMatch(/^Too many attempts\. Try again in \d+ seconds\.$/);
  });

  it("limits failed sign-ins per account", async () => {
    const deps = authDepsFor(handle.db, { attemptsPerMinute: 1000 });
    const email = "locked@example.test";
    const password = "quiet-meadow-copper-7";
    expect((await signUpWithForm(deps, form({ name: "Lou", email, password }), new Headers())).ok).toBe(true);
    for (let i = 0; i < ACCOUNT_ATTEMPTS.max; i++) {
      const wrong = await signInWithForm(deps, form({ email, password: `guess-${i}` }), new Headers());
      expect(!wrong.ok && wrong.state.errors.form).toBe("Email or password is incorrect.");
    }
    const locked = await signInWithForm(deps, form({ email, password }), new Headers());
    expect(!locked.ok && locked.state.errors.form).toMatch(/^Too many failed sign-ins for this account/);
  });
});
