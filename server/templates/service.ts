import type { DbOrTx } from "@/db/client";
import { smsTemplates, smsTemplateVersions } from "@/db/schema";
import type { TemplateSeed } from "./defaults";
import { templateVariables } from "./render";

/**
 * Creates a template with version 1 unless one with the key exists; returns whether it was
 * created. One transaction, so a template never exists without its first version.
 */
export async function ensureTemplate(db: DbOrTx, seed: TemplateSeed): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(smsTemplates)
      .values({ key: seed.key, name: seed.name, description: seed.description, category: seed.category })
      .onConflictDoNothing({ target: smsTemplates.key })
      .returning({ id: smsTemplates.id });
    if (!created) return false;
    await tx.insert(smsTemplateVersions).values({
      templateId: created.id,
      version: 1,
      body: seed.body,
      variables: templateVariables(seed.body),
    });
    return true;
  });
}
