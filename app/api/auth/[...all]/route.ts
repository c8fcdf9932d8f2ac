import { auth } from "@/server/auth/auth";

function handler(req: Request) {
  return auth().handler(req);
}

export { handler as GET, handler as POST };
