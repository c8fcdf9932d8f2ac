"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/admin", label: "Dashboard" },
  { href: "/admin/templates", label: "Templates" },
  { href: "/admin/messages", label: "Messages" },
  { href: "/admin/test-send", label: "Test send" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/sandbox", label: "Sandbox phone" },
];

/**
 * The admin sections. On a phone they wrap into a grid of buttons, every one in view (a tab row
 * that scrolled sideways hid "Users" and "Sandbox phone" with no cue); from sm up, a tab row.
 */
export function AdminNav() {
  const pathname = usePathname();
  const current = (href: string) => (href === "/admin" ? pathname === "/admin" : pathname.startsWith(href));
  return (
    <nav aria-label="Admin" className="mb-6 sm:-mx-4 sm:border-b sm:border-slate-200 sm:px-4">
      <ul className="grid grid-cols-3 gap-1.5 sm:flex sm:flex-wrap sm:gap-1">
        {SECTIONS.map((section) => (
          <li key={section.href}>
            <Link
              href={section.href}
              aria-current={current(section.href) ? "page" : undefined}
              className="flex h-full items-center justify-center rounded-md px-2 py-2 text-center text-sm text-slate-700 ring-1 ring-slate-200 hover:text-slate-900 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-semibold aria-[current=page]:text-slate-900 aria-[current=page]:ring-indigo-600 sm:inline-block sm:rounded-none sm:border-b-2 sm:border-transparent sm:px-3 sm:ring-0 sm:aria-[current=page]:border-indigo-600 sm:aria-[current=page]:bg-transparent"
            >
              {section.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
