import { and, eq } from "drizzle-orm";
import { smsTemplates, smsTemplateVersions } from "@/db/schema";
import { recordAdminAction } from "../audit/log";
import { DomainError } from "../errors";
import type { AdminActor, ServiceContext } from "../service-context";
import type { TemplateCreate, TemplateSave } from "./admin-schema";
import { checkTemplateBody } from "./body-check";

type AdminContext = ServiceContext<AdminActor>;

function assertBodyAcceptable(body: string) {
  const check = checkTemplateBody(body);
  if (check.errors.length > 0) throw new DomainError("BAD_REQUEST", check.errors.join(" "), { field: "body" });
  return check;
}

export async function createTemplate(ctx: AdminContext, input: TemplateCreate) {
  const check = assertBodyAcceptable(input.body);
  return ctx.db.transaction(async (tx) => {
    const [template] = await tx
      .insert(smsTemplates)
      .values({ key: input.key, name: input.name, description: input.description, category: input.category })
      .onConflictDoNothing({ target: smsTemplates.key })
      .returning();
    if (!template) throw new DomainError("CONFLICT", `A template with the key "${input.key}" already exists`, { field: "key" });
    await tx.insert(smsTemplateVersions).values({
      templateId: template.id,
      version: 1,
      body: input.body,
      variables: check.variables,
      createdBy: ctx.actor.userId,
    });
    await recordAdminAction(tx, ctx.actor, { action: "template.create", targetType: "template", targetId: template.id, details: { key: input.key } });
    return template;
  });
}

/**
 * Saves the editor's form. A changed body becomes a new immutable version (messages keep
 * pointing at the version they were rendered from); name, description and category are
 * template fields. A save that started from an older version than the current one is refused,
 * so two admins never silently overwrite each other.
 */
export async function saveTemplate(ctx: AdminContext, input: TemplateSave) {
  const check = assertBodyAcceptable(input.body);
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ template: smsTemplates, body: smsTemplateVersions.body })
      .from(smsTemplates)
      .innerJoin(
        smsTemplateVersions,
        and(eq(smsTemplateVersions.templateId, smsTemplates.id), eq(smsTemplateVersions.version, smsTemplates.currentVersion)),
      )
      .where(eq(smsTemplates.id, input.id))
      .for("update", { of: smsTemplates });
    if (!current) throw new DomainError("NOT_FOUND", "Template not found");
    if (current.template.currentVersion !== input.expectedVersion) {
      throw new DomainError(
        "CONFLICT",
        `Someone saved version ${current.template.currentVersion} while you were editing version ${input.expectedVersion}. Reload to see it.`,
      );
    }
    const bodyChanged = current.body !== input.body;
    const version = bodyChanged ? current.template.currentVersion + 1 : current.template.currentVersion;
    if (bodyChanged) {
      await tx
        .insert(smsTemplateVersions)
        .values({ templateId: input.id, version, body: input.body, variables: check.variables, createdBy: ctx.actor.userId });
    }
    const [saved] = await tx
      .update(smsTemplates)
      .set({ name: input.name, description: input.description, category: input.category, currentVersion: version, updatedAt: new Date() })
      .where(eq(smsTemplates.id, input.id))
      .returning();
    await recordAdminAction(tx, ctx.actor, {
      action: "template.save",
      targetType: "template",
      targetId: input.id,
      details: { version, bodyChanged },
    });
    return saved!;
  });
}

/** Texts requested from an inactive template are skipped (template_inactive). */
export async function setTemplateActive(ctx: AdminContext, input: { id: string; active: boolean }) {
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(smsTemplates)
      .set({ active: input.active, updatedAt: new Date() })
      .where(eq(smsTemplates.id, input.id))
      .returning();
    if (!updated) throw new DomainError("NOT_FOUND", "Template not found");
    await recordAdminAction(tx, ctx.actor, {
      action: input.active ? "template.activate" : "template.deactivate",
      targetType: "template",
      targetId: input.id,
    });
    return updated;
  });
}
