import Link from "next/link";
import { TemplateEditor } from "@/components/admin/templates/template-editor";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "New template · Admin · BuildOS SMS" };

export default async function NewTemplatePage() {
  await requireAdmin("/admin/templates/new");
  return (
    <div className="space-y-6">
      <Link href="/admin/templates" className="text-sm text-indigo-700 hover:underline">
        ← Templates
      </Link>
      <h1 className="text-2xl font-semibold text-slate-900">New template</h1>
      <TemplateEditor initial={{ key: "", name: "", description: "", category: "task_reminders", body: "" }} />
    </div>
  );
}
