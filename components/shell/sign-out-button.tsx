"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "../auth-client";

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      className="shrink-0 whitespace-nowrap text-sm text-slate-700 hover:text-slate-900"
      onClick={async () => {
        setPending(true);
        await authClient.signOut();
        router.push("/sign-in");
        router.refresh();
      }}
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
