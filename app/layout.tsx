import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { TRPCReactProvider } from "@/components/trpc/client";
import { currentUser } from "@/server/auth/guards";
import "./globals.css";

// Every page depends on the session; none is prerendered at build time.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "BuildOS SMS", description: "SMS notifications for BuildOS" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reads request headers first, so nothing here touches the database at build time.
  const user = await currentUser();
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
