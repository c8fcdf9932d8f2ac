import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts, users } from "@/db/schema";
import type { Auth } from "../auth/auth";
import type { Logger } from "../logger";
import { DEFAULT_TEMPLATES } from "../templates/defaults";
import { ensureTemplate } from "../templates/service";

export interface SeedOptions {
  adminEmail?: string;
  adminPassword?: string;
  /** Where a generated admin login is written (so it is not lost if the console scrolls); see adminLoginFile. */
  credentialsFile?: string;
}

/** Idempotent: templates and the admin are created only when missing. */
export async function seed(db: Db, auth: Auth, log: Logger, options: SeedOptions = {}) {
  let createdTemplates = 0;
  for (const template of DEFAULT_TEMPLATES) {
    if (await ensureTemplate(db, template)) createdTemplates += 1;
  }
  if (createdTemplates > 0) log.info({ createdTemplates }, "seeded SMS templates");
  await ensureAdmin(db, auth, log, options);
}

async function ensureAdmin(db: Db, auth: Auth, log: Logger, options: SeedOptions) {
  const anyAdmin = await db.query.users.findFirst({ where: eq(users.role, "admin") });
  const email = options.adminEmail ?? "admin@buildos.local";
  if (options.adminEmail) {
    const existing = await db.query.users.findFirst({ where: eq(users.email, email) });
    if (existing) {
      if (existing.role !== "admin") await db.update(users).set({ role: "admin" }).where(eq(users.id, existing.id));
      return;
    }
  } else if (anyAdmin) {
    return;
  }
  const generated = !options.adminPassword;
  const password = options.adminPassword ?? randomBytes(12).toString("base64url");
  await createAdmin(db, auth, email, password);
  if (!generated) {
    log.info({ email }, "seeded admin user from ADMIN_EMAIL/ADMIN_PASSWORD");
    return;
  }
  const file = options.credentialsFile;
  if (file) {
    if (!existsSync(path.dirname(file))) mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `email: ${email}\npassword: ${password}\n`, { mode: 0o600 });
  }
  // Printed once, on the first start, on purpose: it is the only way in to a fresh install.
  console.log(
    `\n┌ BuildOS SMS admin login (first start) ─────────\n│ email:    ${email}\n│ password: ${password}\n${file ? `│ (also saved to ${path.relative(process.cwd(), file)})\n` : ""}└────────────────────────────────────────────────\n`,
  );
}

/** Writes the user and credential rows the way better-auth's email sign-up does, without a request. */
async function createAdmin(db: Db, auth: Auth, email: string, password: string) {
  const context = await auth.$context;
  const hash = await context.password.hash(password);
  const id = randomUUID();
  await db.transaction(async (tx) => {
    await tx.insert(users).values({ id, email, name: "Admin", role: "admin", emailVerified: true });
    await tx.insert(accounts).values({ id: randomUUID(), accountId: id, providerId: "credential", userId: id, password: hash });
  });
}
