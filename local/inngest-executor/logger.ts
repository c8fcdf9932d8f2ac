import { pino, type Logger } from "pino";

/** Structured JSON logs; level from INNGEST_EXECUTOR_LOG_LEVEL (default "info"). */
export function createLogger(level = process.env.INNGEST_EXECUTOR_LOG_LEVEL ?? "info"): Logger {
  return pino({ name: "inngest-executor", level });
}
