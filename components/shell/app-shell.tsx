import Link from "next/link";
import type { ReactNode } from "react";
import type { SessionUser } from "@/server/auth/auth";
import { SignOutButton } from "./sign-out-button";

export function AppShell({ user, children }: { user: SessionUser | null; children: ReactNode }) {
  const links = user
    ? [
        { href: "/settings/sms", label: "Settings" },
        { href: "/tasks", label: "Tasks" },
        ...(user.role === "admin" ? [{ href: "/admin", label: "Admin" }] : []),
      ]
    : [];
  return (
    <div className="min-h-screen bg-slate-50">
      <header className="border-b border-slate-200 bg-white">
        <nav aria-label="Main" className="mx-auto flex max-w-5xl items-center gap-6 px-4 py-3">
          <Link href="/" className="font-semibold text-slate-900">
            BuildOS SMS
          </Link>
          {links.map((link) => (
            <Link key={link.href} href={link.href} className="text-sm text-slate-600 hover:text-slate-900">
              {link.label}
            </Link>
          ))}
          <div className="ml-auto flex items-center gap-4">
            {user ? (
              <>
                <span className="text-sm text-slate-500" data-testid="signed-in-as">
                  {user.email}
                </span>
                <SignOutButton />
              </>
            ) : (
              <Link href="/sign-in" className="text-sm text-slate-600 hover:text-slate-900">
                Sign in
              </Link>
            )}
          </div>
        </nav>
      </header>
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </div>
  );
}
