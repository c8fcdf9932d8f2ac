import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, TEXT_LIMITS } from "@/common/limits";
import { nameText } from "@/common/text";

/** The rules for what a person types into the auth forms, for the forms and for better-auth's endpoints alike. */
const email = z
  .string({ message: "Enter a valid email address" })
  .trim()
  .max(TEXT_LIMITS.email, `Enter an email address of at most ${TEXT_LIMITS.email} characters`)
  .pipe(z.email({ message: "Enter a valid email address" }));

const newPassword = z
  .string({ message: `Use at least ${PASSWORD_MIN_LENGTH} characters` })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters`);

export const userNameSchema = nameText("Name", TEXT_LIMITS.userName).pipe(z.string().min(1, "Enter your name"));

export const signUpSchema = z.object({ name: userNameSchema, email, password: newPassword });

export const signInSchema = z.object({
  email,
  password: z
    .string({ message: "Enter your password" })
    .min(1, "Enter your password")
    .max(PASSWORD_MAX_LENGTH, "Email or password is incorrect."),
});

export type CredentialField = "name" | "email" | "password";

/** The first message per field, for forms. */
export function fieldMessages(error: z.ZodError): Partial<Record<CredentialField, string>> {
  const messages: Partial<Record<CredentialField, string>> = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as CredentialField;
    messages[field] ??= issue.message;
  }
  return messages;
}
