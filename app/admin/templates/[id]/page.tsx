import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { TemplateDetail } from "@/components/admin/templates/template-detail";
import { HydrateClient, prefetch, trpc } from "@/app/_trpc/prefetch";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "Template · Admin · BuildOS SMS" };

export default async function TemplatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin(`/admin/templates/${id}`);
  if (!z.uuid().safeParse(id).success) notFound();
  await prefetch(trpc.admin.templates.get.queryOptions({ id }));
  return (
    <HydrateClient>
      <div className="space-y-6">
        <Link href="/admin/templates" className="text-sm text-indigo-700 hover:underline">
          ← Templates
        </Link>
        <h1 className="text-2xl font-semibold text-slate-900">Template</h1>
        <TemplateDetail id={id} />
      </div>
    </HydrateClient>
  );
}
