import { SandboxPhone } from "@/components/admin/sandbox/sandbox-phone";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "Sandbox phone · Admin · BuildOS SMS" };

export default async function SandboxPage() {
  await requireAdmin("/admin/sandbox");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-slate-900">Sandbox phone</h1>
      <p className="text-sm text-slate-600">Every fake number the local Twilio sandbox knows, as a phone would see it.</p>
      <SandboxPhone />
    </div>
  );
}
