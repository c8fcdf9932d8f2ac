import { env } from "@/server/config/env";
import { createContext } from "@/server/trpc/context";
import { handleTrpcRequest } from "@/server/trpc/http-handler";

/** Every answer is per user and per request: never prerendered or cached (as /api/health). */
export const dynamic = "force-dynamic";

function handler(req: Request) {
  return handleTrpcRequest({ publicUrl: env().PUBLIC_URL, createContext: (r) => createContext({ headers: r.headers }) }, req);
}

export { handler as GET, handler as POST };
