import pino from "pino";

/** Structured JSON logs; child loggers carry a request id through a request. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: "buildos-sms" },
  redact: { paths: ["*.password", "*.authToken", "*.secret", "*.token", "req.headers.cookie"], remove: true },
});

export type Logger = pino.Logger;
