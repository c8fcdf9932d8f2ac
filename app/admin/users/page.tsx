import { UserList } from "@/components/admin/users/user-list";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "Users · Admin · BuildOS SMS" };

export default async function UsersPage() {
  await requireAdmin("/admin/users");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-slate-900">Users</h1>
      <UserList />
    </div>
  );
}
