import { randomUUID } from "node:crypto";
import pino from "pino";

/** Structured JSON logs; child loggers carry a request id through a request. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: "buildos-sms" },
  redact: { paths: ["*.password", "*.authToken", "*.secret", "*.token", "req.headers.cookie"], remove: true },
});

export type Logger = pino.Logger;

/** A logger for one request: its id comes from X-Request-Id (set by a proxy) or is made here. */
export function requestLogger(headers: Headers) {
  const requestId = headers.get("x-request-id") ?? randomUUID();
  return { requestId, log: logger.child({ requestId }) };
}
