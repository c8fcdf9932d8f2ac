import Link from "next/link";
import type { ReactNode } from "react";
import type { SessionUser } from "@/server/auth/auth";
import { SignOutButton } from "./sign-out-button";

/**
 * The page frame. On a narrow screen (390 px) the header wraps: brand and account on the first
 * row, the section links on their own row, and a long email is cut short, never "Sign out".
 */
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
        <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="font-semibold text-slate-900">
            BuildOS SMS
          </Link>
          {links.length > 0 ? (
            <ul className="order-last flex w-full gap-5 sm:order-none sm:w-auto">
              {links.map((link) => (
                <li key={link.href}>
                  <Link href={link.href} className="text-sm text-slate-700 hover:text-slate-900">
                    {link.label}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
          <div className="ml-auto flex min-w-0 items-center gap-4">
            {user ? (
              <>
                <span className="min-w-0 max-w-[9rem] truncate text-sm text-slate-600 sm:max-w-[16rem]" data-testid="signed-in-as" title={user.email}>
                  {user.email}
                </span>
                <SignOutButton />
              </>
            ) : (
              <Link href="/sign-in" className="text-sm text-slate-700 hover:text-slate-900">
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
