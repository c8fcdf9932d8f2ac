import { env } from "@/server/config/env";
import { createContext } from "@/server/trpc/context";
import { handleTrpcRequest } from "@/server/trpc/http-handler";

function handler(req: Request) {
  return handleTrpcRequest({ publicUrl: env().PUBLIC_URL, createContext: (r) => createContext({ headers: r.headers }) }, req);
}

export { handler as GET, handler as POST };
