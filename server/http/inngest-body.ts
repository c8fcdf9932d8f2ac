import { BODY_LIMITS } from "@/common/limits";
import { payloadTooLarge, readBodyWithin, withBody } from "./body";

/**
 * /api/inngest, bounded like every other route before the SDK sees it: a body over
 * BODY_LIMITS.inngestBytes is 413 unread (the SDK would read any size, then check the signature),
 * and a body that is not JSON is a plain 400 (the SDK threw on it: a 500 and a stack in the log).
 * What remains — every signature check — is the SDK's.
 */
export async function boundedInngestRequest(req: Request, serve: (req: Request) => Promise<Response>): Promise<Response> {
  if (req.method === "GET" || req.method === "HEAD") return serve(req);
  const body = await readBodyWithin(req, BODY_LIMITS.inngestBytes);
  if (!body.ok) return payloadTooLarge(BODY_LIMITS.inngestBytes);
  if (body.bytes.byteLength > 0 && !isJson(body.bytes)) {
    return Response.json({ error: { code: "BAD_REQUEST", message: "The request body must be JSON." } }, { status: 400 });
  }
  return serve(withBody(req, body.bytes));
}

function isJson(bytes: Uint8Array): boolean {
  try {
    JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return true;
  } catch {
    return false;
  }
}
