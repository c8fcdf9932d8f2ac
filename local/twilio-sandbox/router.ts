import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { refuseRequest, type RequestGuardOptions } from "../request-guard";
import { isAuthorized } from "./auth";
import type { SandboxContext } from "./context";
import { TwilioApiError, twilioErrors } from "./errors";
import { errorReply, json, readBody, writeReply, type Reply, type TwilioRequest } from "./http";
import { fetchMessage, updateMessage } from "./message-resource";
import { createMessage } from "./messages-create";
import { lookupPhoneNumber } from "./lookup";
import { listMessages } from "./messages-list";
import { handleSandboxApi } from "./sandbox-api";
import { checkVerification, fetchVerification, startVerification, updateVerification } from "./verify";

interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  /** 2010-04-01 routes carry the AccountSid in the path; it must be the sandbox's. */
  accountInPath: boolean;
  handle: (ctx: SandboxContext, req: TwilioRequest) => Reply;
}

const MESSAGES = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MESSAGE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
const VERIFICATIONS = /^\/v2\/Services\/([^/]+)\/Verifications$/;
const VERIFICATION = /^\/v2\/Services\/([^/]+)\/Verifications\/([^/]+)$/;
const VERIFICATION_CHECK = /^\/v2\/Services\/([^/]+)\/VerificationCheck$/;
const PHONE_NUMBER = /^\/v2\/PhoneNumbers\/([^/]+)$/;

const ROUTES: Route[] = [
  { method: "POST", pattern: MESSAGES, accountInPath: true, handle: createMessage },
  { method: "GET", pattern: MESSAGES, accountInPath: true, handle: listMessages },
  { method: "GET", pattern: MESSAGE, accountInPath: true, handle: fetchMessage },
  { method: "POST", pattern: MESSAGE, accountInPath: true, handle: updateMessage },
  { method: "POST", pattern: VERIFICATIONS, accountInPath: false, handle: startVerification },
  { method: "GET", pattern: VERIFICATION, accountInPath: false, handle: fetchVerification },
  { method: "POST", pattern: VERIFICATION, accountInPath: false, handle: updateVerification },
  { method: "POST", pattern: VERIFICATION_CHECK, accountInPath: false, handle: checkVerification },
  { method: "GET", pattern: PHONE_NUMBER, accountInPath: false, handle: lookupPhoneNumber },
];

/** `guard`: the requests the sandbox serves at all (../request-guard.ts); its own API takes JSON only, its Twilio API form posts. */
export function createRequestHandler(ctx: SandboxContext, log: (line: string) => void, guard: RequestGuardOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const ownApi = url.pathname.startsWith("/__sandbox/");
    const refusal = refuseRequest(guard, req.headers, { hasBody: req.method !== "GET" && req.method !== "HEAD", jsonOnly: ownApi });
    if (refusal) {
      log(`twilio-sandbox: refused ${req.method} ${url.pathname}: ${refusal.message}`);
      req.resume();
      writeReply(res, json(refusal.status, { error: refusal.message }));
      return;
    }
    const handled = ownApi
      ? handleSandboxApi(ctx, req, url)
      : handleTwilioApi(ctx, req, url);
    handled
      .catch((error: unknown) => {
        log(`twilio-sandbox: ${req.method} ${url.pathname} failed: ${error instanceof Error ? error.stack : String(error)}`);
        return errorReply(twilioErrors.internal(500));
      })
      .then((reply) => writeReply(res, reply))
      .catch(() => res.socket?.destroy());
  };
}

async function handleTwilioApi(ctx: SandboxContext, req: IncomingMessage, url: URL): Promise<Reply> {
  const reply = await routeTwilioApi(ctx, req, url);
  const { latencyMs } = ctx.state.faults;
  if (latencyMs > 0) await sleep(latencyMs);
  return reply;
}

async function routeTwilioApi(ctx: SandboxContext, req: IncomingMessage, url: URL): Promise<Reply> {
  try {
    if (!isAuthorized(ctx.config, req.headers.authorization)) throw twilioErrors.authenticate();
    const candidates = ROUTES.filter((r) => r.pattern.test(url.pathname));
    if (candidates.length === 0) throw twilioErrors.notFound(url.pathname);
    const route = candidates.find((r) => r.method === req.method);
    if (!route) return json(405, new TwilioApiError(405, 20004, "Method not allowed").toBody());
    const params = (route.pattern.exec(url.pathname) ?? []).slice(1);
    if (route.accountInPath && params[0] !== ctx.config.accountSid) throw twilioErrors.authenticate();
    const form = req.method === "POST" ? await readForm(req) : new URLSearchParams();
    return route.handle(ctx, { path: url.pathname, params, query: url.searchParams, form });
  } catch (error) {
    if (error instanceof TwilioApiError) return errorReply(error);
    throw error;
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const body = await readBody(req);
  const type = req.headers["content-type"] ?? "";
  return type.startsWith("application/x-www-form-urlencoded") ? new URLSearchParams(body) : new URLSearchParams();
}
