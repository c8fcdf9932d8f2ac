import { asc } from "drizzle-orm";
import { users } from "@/db/schema";
import type { AdminActor, ServiceContext } from "../service-context";

export async function listUsers({ db }: ServiceContext<AdminActor>) {
  return db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt })
    .from(users)
    .orderBy(asc(users.createdAt))
    .limit(500);
}
