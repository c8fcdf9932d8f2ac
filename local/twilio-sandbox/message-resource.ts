import type { SandboxContext } from "./context";
import { TwilioApiError, twilioErrors } from "./errors";
import { json, type Reply, type TwilioRequest } from "./http";
import { transition } from "./lifecycle";
import { messageJson } from "./message-json";
import type { MessageRecord } from "./state";

/** GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json */
export function fetchMessage(ctx: SandboxContext, req: TwilioRequest): Reply {
  return json(200, messageJson(ctx.config.accountSid, findMessage(ctx, req)));
}

/** POST /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json — cancel (Status=canceled) or redact (Body=""). */
export function updateMessage(ctx: SandboxContext, req: TwilioRequest): Reply {
  const message = findMessage(ctx, req);
  const status = req.form.get("Status");
  const body = req.form.get("Body");
  if (status !== null) {
    if (status !== "canceled") throw new TwilioApiError(400, 20001, `Invalid Status: ${status}`);
    if (message.status !== "scheduled") throw twilioErrors.cannotCancel();
    transition(ctx, message, "canceled");
  }
  if (body !== null) {
    if (body !== "") throw new TwilioApiError(400, 20001, "Body can only be redacted (set to an empty string)");
    message.body = "";
  }
  return json(200, messageJson(ctx.config.accountSid, message));
}

function findMessage(ctx: SandboxContext, req: TwilioRequest): MessageRecord {
  const message = ctx.state.messages.get(req.params[1] ?? "");
  if (!message) throw twilioErrors.notFound(req.path);
  return message;
}
