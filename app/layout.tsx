import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { TRPCReactProvider } from "@/components/trpc/client";
import { sessionUser } from "@/server/auth/auth";
import { ensureStarted } from "@/server/bootstrap/start";
import "./globals.css";

// Every page depends on the session; none is prerendered at build time.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "BuildOS SMS", description: "SMS notifications for BuildOS" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading request headers first makes every page dynamic: nothing touches the database at build time.
  const requestHeaders = await headers();
  await ensureStarted();
  const user = await sessionUser(requestHeaders);
  return (
    <html lang="en">
      <body className="antialiased">
        <TRPCReactProvider>
          <AppShell user={user}>{children}</AppShell>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
