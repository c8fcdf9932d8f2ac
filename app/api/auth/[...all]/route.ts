import { appAuthDeps } from "@/server/auth/auth-deps";
import { handleAuthRequest } from "@/server/auth/http-handler";
import { ensureStarted } from "@/server/bootstrap/start";

async function handler(req: Request) {
  await ensureStarted();
  return handleAuthRequest(appAuthDeps(), req);
}

export { handler as GET, handler as POST };
