import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { smsTemplates, smsTemplateVersions } from "@/db/schema";
import type { TemplateSeed } from "./defaults";
import { templateVariables } from "./render";

export async function listTemplates(db: DbOrTx) {
  return db.query.smsTemplates.findMany({ orderBy: asc(smsTemplates.key) });
}

/** Creates a template with version 1 unless one with the key exists; returns whether it was created. */
export async function ensureTemplate(db: DbOrTx, seed: TemplateSeed): Promise<boolean> {
  const [created] = await db
    .insert(smsTemplates)
    .values({ key: seed.key, name: seed.name, description: seed.description, category: seed.category })
    .onConflictDoNothing({ target: smsTemplates.key })
    .returning({ id: smsTemplates.id });
  if (!created) return false;
  await db.insert(smsTemplateVersions).values({
    templateId: created.id,
    version: 1,
    body: seed.body,
    variables: templateVariables(seed.body),
  });
  return true;
}

/** A template with the body of its current version, or null. */
export async function templateWithCurrentVersion(db: DbOrTx, key: string) {
  const [row] = await db
    .select({ template: smsTemplates, version: smsTemplateVersions })
    .from(smsTemplates)
    .innerJoin(
      smsTemplateVersions,
      and(eq(smsTemplateVersions.templateId, smsTemplates.id), eq(smsTemplateVersions.version, smsTemplates.currentVersion)),
    )
    .where(eq(smsTemplates.key, key));
  return row ?? null;
}
