import { appAuthDeps } from "@/server/auth/app-auth-deps";
import { handleAuthRequest } from "@/server/auth/http-handler";

function handler(req: Request) {
  return handleAuthRequest(appAuthDeps(), req);
}

export { handler as GET, handler as POST };
