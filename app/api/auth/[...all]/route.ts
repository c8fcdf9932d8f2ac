import { ensureStarted } from "@/server/bootstrap/start";
import { auth } from "@/server/auth/auth";

async function handler(req: Request) {
  await ensureStarted();
  return auth().handler(req);
}

export { handler as GET, handler as POST };
