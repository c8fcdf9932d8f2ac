import { NonRetriableError } from "inngest";
import { JobPayloadError } from "@/server/jobs/define";

/**
 * An event's data read through its job's schema (server/jobs/define.ts); a payload that does not
 * match is a bug in the sender, so the run stops instead of retrying.
 */
export function parseOrStop<T>(job: { parse(data: unknown): T }, data: unknown): T {
  try {
    return job.parse(data);
  } catch (error) {
    if (error instanceof JobPayloadError) throw new NonRetriableError(error.message);
    throw error;
  }
}
