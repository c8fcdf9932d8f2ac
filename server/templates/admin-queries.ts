import { and, desc, eq } from "drizzle-orm";
import { smsTemplates, smsTemplateVersions, users } from "@/db/schema";
import { templateStats } from "../dashboard/template-stats";
import { DomainError } from "../errors";
import type { AdminActor, ServiceContext } from "../service-context";

type AdminContext = ServiceContext<AdminActor>;

const STATS_DAYS = 30;

/**
 * Every template with its current body and the last 30 days' texts sent and delivery rate
 * (delivered / sent), read from the stats rollup plus today live, so it stays fast at any volume.
 */
export async function listTemplatesForAdmin({ db }: AdminContext, now = new Date()) {
  const [rows, stats] = await Promise.all([
    db
      .select({
        id: smsTemplates.id,
        key: smsTemplates.key,
        name: smsTemplates.name,
        category: smsTemplates.category,
        active: smsTemplates.active,
        currentVersion: smsTemplates.currentVersion,
        body: smsTemplateVersions.body,
        updatedAt: smsTemplates.updatedAt,
      })
      .from(smsTemplates)
      .innerJoin(
        smsTemplateVersions,
        and(eq(smsTemplateVersions.templateId, smsTemplates.id), eq(smsTemplateVersions.version, smsTemplates.currentVersion)),
      )
      .orderBy(smsTemplates.key),
    templateStats(db, STATS_DAYS, now),
  ]);
  return rows.map((row) => {
    const { sent, delivered } = stats.get(row.id) ?? { sent: 0, delivered: 0 };
    return { ...row, sent, delivered, deliveryRate: sent > 0 ? delivered / sent : null };
  });
}

/** A template with every version, newest first, and who saved each. */
export async function getTemplateForAdmin({ db }: AdminContext, id: string) {
  const template = await db.query.smsTemplates.findFirst({ where: eq(smsTemplates.id, id) });
  if (!template) throw new DomainError("NOT_FOUND", "Template not found");
  const versions = await db
    .select({
      id: smsTemplateVersions.id,
      version: smsTemplateVersions.version,
      body: smsTemplateVersions.body,
      variables: smsTemplateVersions.variables,
      createdAt: smsTemplateVersions.createdAt,
      createdBy: users.email,
    })
    .from(smsTemplateVersions)
    .leftJoin(users, eq(users.id, smsTemplateVersions.createdBy))
    .where(eq(smsTemplateVersions.templateId, id))
    .orderBy(desc(smsTemplateVersions.version));
  return { ...template, versions };
}
