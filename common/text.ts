import { z } from "zod";
import { DATE_RANGE } from "./limits";

/** C0 control characters and DEL: PostgreSQL refuses NUL outright, and none belongs in a one-line field. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** C0 controls but tab and line breaks, and DEL: what a multi-line field refuses. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Bidirectional formatting characters (embeddings, overrides, isolates, marks): in a name they
 * reorder what is shown around it, so "Eve\u202Enimda" reads as "Eveadmin".
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Text JavaScript can hold but nothing downstream can: a lone UTF-16 surrogate (half of an
 * emoji) has no UTF-8 form, and PostgreSQL and the segment counter both fail on it.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (value: string) => !LONE_SURROGATE.test(value);

/** A trimmed one-line text field with a length bound, no control characters and well-formed Unicode. */
export function oneLineText(label: string, max: number) {
  return z
    .string({ message: `${label} must be text` })
    .trim()
    .max(max, `Keep the ${label.toLowerCase()} under ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), `The ${label.toLowerCase()} cannot contain control characters`)
    .refine(wellFormed, `The ${label.toLowerCase()} contains a broken character`);
}

/**
 * A multi-line text field (a text's body, a description): bounded, line breaks and tabs allowed,
 * no other control characters, well-formed Unicode. Not trimmed unless asked: a body is sent as typed.
 */
export function multiLineText(label: string, max: number, options: { trim?: boolean } = {}) {
  const text = z.string({ message: `${label} must be text` });
  return (options.trim ? text.trim() : text)
    .max(max, `Keep the ${label.toLowerCase()} under ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS_BUT_LINES.test(value), `The ${label.toLowerCase()} cannot contain control characters`)
    .refine(wellFormed, `The ${label.toLowerCase()} contains a broken character`);
}

/** A person's or a thing's name: one line, and no bidirectional controls that disguise it. */
export function nameText(label: string, max: number) {
  return oneLineText(label, max).refine((value) => !BIDI_CONTROLS.test(value), `The ${label.toLowerCase()} cannot contain text-direction controls`);
}

/** A date within what the database stores and a person could mean (see DATE_RANGE). */
export function boundedDate(message: string) {
  return z.date({ message }).min(DATE_RANGE.min, message).max(DATE_RANGE.max, message);
}
