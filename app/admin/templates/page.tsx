import { TemplateList } from "@/components/admin/templates/template-list";
import { HydrateClient, prefetch, trpc } from "@/app/_trpc/prefetch";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "Templates · Admin · BuildOS SMS" };

export default async function TemplatesPage() {
  await requireAdmin("/admin/templates");
  await prefetch(trpc.admin.templates.list.queryOptions());
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">Templates</h1>
        <TemplateList />
      </div>
    </HydrateClient>
  );
}
