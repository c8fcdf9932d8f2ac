import { randomUUID } from "node:crypto";
import pino from "pino";
import { redactFields, redactText, serializeError } from "./log-redaction";

/**
 * Structured JSON logs; child loggers carry a request id through a request. Every record is
 * redacted (server/log-redaction.ts): query-string values, SQL parameters, phone numbers and
 * secret-named fields never reach the log.
 */
export function createLogger(destination?: pino.DestinationStream) {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? "info",
      base: { service: "buildos-sms" },
      serializers: { err: serializeError, error: serializeError },
      formatters: { log: (record) => redactFields(record) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === "string" ? redactText(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

export const logger = createLogger();

export type Logger = pino.Logger;

/** A logger for one request: its id comes from X-Request-Id (set by a proxy) or is made here. */
export function requestLogger(headers: Headers) {
  const requestId = headers.get("x-request-id") ?? randomUUID();
  return { requestId, log: logger.child({ requestId }) };
}
