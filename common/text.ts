import { z } from "zod";
import { DATE_RANGE } from "./limits";

/** C0 control characters and DEL: PostgreSQL refuses NUL outright, and none belongs in a one-line field. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A trimmed one-line text field with a length bound and no control characters. */
export function oneLineText(label: string, max: number) {
  return z
    .string({ message: `${label} must be text` })
    .trim()
    .max(max, `Keep the ${label.toLowerCase()} under ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), `The ${label.toLowerCase()} cannot contain control characters`);
}

/** A date within what the database stores and a person could mean (see DATE_RANGE). */
export function boundedDate(message: string) {
  return z.date({ message }).min(DATE_RANGE.min, message).max(DATE_RANGE.max, message);
}
