import { z } from "zod";
import { multiLineText, nameText } from "@/common/text";
import { smsCategory } from "@/db/schema";
import { TEMPLATE_BODY_MAX } from "./body-check";

/** Inputs of the admin template procedures; the body's own rules are checked by checkTemplateBody. */
const templateFields = {
  name: nameText("Name", 80).pipe(z.string().min(1, "Give the template a name")),
  description: multiLineText("Description", 500, { trim: true }).default(""),
  category: z.enum(smsCategory.enumValues, { message: "Choose a category" }),
  body: multiLineText("Body", TEMPLATE_BODY_MAX * 2),
};

export const templateCreateSchema = z
  .object({
    key: z
      .string()
      .trim()
      .min(1, "Give the template a key")
      .max(64, "Key can be at most 64 characters")
      .regex(/^[a-z0-9_]+$/, "Key may use only lower-case letters, digits and _"),
    ...templateFields,
  })
  .strict();

export const templateSaveSchema = z
  .object({
    id: z.uuid({ message: "Not a template id" }),
    /** The version the editor started from: a save over someone else's newer version is refused. */
    expectedVersion: z.number().int().min(1),
    ...templateFields,
  })
  .strict();

export const templateIdSchema = z.object({ id: z.uuid({ message: "Not a template id" }) }).strict();

export const templateActiveSchema = z.object({ id: z.uuid({ message: "Not a template id" }), active: z.boolean() }).strict();

export type TemplateCreate = z.infer<typeof templateCreateSchema>;
export type TemplateSave = z.infer<typeof templateSaveSchema>;
