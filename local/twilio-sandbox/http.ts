import type { IncomingMessage, ServerResponse } from "node:http";
import { newSid } from "./ids";
import { TwilioApiError } from "./errors";

export interface JsonReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The response is never written: the socket is destroyed instead. */
export interface DropReply {
  drop: true;
}

export type Reply = JsonReply | DropReply;

/** What a Twilio route handler gets: path captures, query string and form body. */
export interface TwilioRequest {
  path: string;
  params: string[];
  query: URLSearchParams;
  form: URLSearchParams;
}

const MAX_BODY_BYTES = 1_000_000;

export function json(status: number, body: unknown, headers?: Record<string, string>): JsonReply {
  return { status, body, headers };
}

export function errorReply(error: TwilioApiError): JsonReply {
  return json(error.status, error.toBody(), error.headers);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new TwilioApiError(413, 20001, "Request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf-8");
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  if ("drop" in reply) {
    res.socket?.destroy();
    return;
  }
  const payload = reply.status === 204 ? "" : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Twilio-Request-Id": newSid("RQ"),
    ...reply.headers,
  });
  res.end(payload);
}
