import { z } from "zod";
import type { Env } from "../config/env";
import { runtimeModes } from "../config/runtime";

/**
 * Where an admin sees the durable run behind a message. The pipeline sends each message's
 * first event with the message id as its event id, so that id finds the run: in Inngest's
 * dashboard (event search), or in the local executor's JSON API, which the app also reads to
 * show the run's status inline. Built from configuration only.
 */
export type DurableRunsConfig =
  | { mode: "local-executor"; executorUrl: string }
  | { mode: "inngest-cloud"; dashboardUrl: string };

const INNGEST_CLOUD_DASHBOARD = "https://app.inngest.com/env/production";

export function durableRunsConfig(env: Env): DurableRunsConfig {
  const mode = runtimeModes(env).durableExecution;
  const trim = (url: string) => url.replace(/\/+$/, "");
  // The env schema requires INNGEST_BASE_URL with the local executor.
  if (mode === "local-executor") return { mode, executorUrl: trim(env.INNGEST_BASE_URL ?? "") };
  // Self-hosted Inngest serves its dashboard at its own address.
  const dashboardUrl =
    env.INNGEST_DASHBOARD_URL ?? (mode === "inngest-self-hosted" ? env.INNGEST_BASE_URL : undefined) ?? INNGEST_CLOUD_DASHBOARD;
  return { mode: "inngest-cloud", dashboardUrl: trim(dashboardUrl) };
}

/** A link that opens the runs an event started. */
export function runsLink(config: DurableRunsConfig, eventId: string): string {
  const id = encodeURIComponent(eventId);
  return config.mode === "inngest-cloud"
    ? `${config.dashboardUrl}/events?search=${id}`
    : `${config.executorUrl}/v0/runs?event_id=${id}`;
}

const runsSchema = z.object({
  runs: z.array(
    z.object({
      id: z.string(),
      function_id: z.string(),
      status: z.string(),
      created_at: z.string().nullable(),
      ended_at: z.string().nullable(),
      error: z.unknown().optional(),
    }),
  ),
});

export type DurableRun = { id: string; functionId: string; status: string; createdAt: string | null; endedAt: string | null; link: string };

/**
 * The runs an event started, read from the local executor; null when it cannot be asked (Inngest
 * Cloud, or the executor is not answering: the detail view then shows only the link).
 */
async function localRunsFor(
  config: DurableRunsConfig,
  eventId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<DurableRun[] | null> {
  if (config.mode !== "local-executor") return null;
  try {
    const response = await fetchImpl(runsLink(config, eventId), { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return null;
    const { runs } = runsSchema.parse(await response.json());
    return runs.map((run) => ({
      id: run.id,
      functionId: run.function_id,
      status: run.status,
      createdAt: run.created_at,
      endedAt: run.ended_at,
      link: `${config.executorUrl}/v0/runs/${encodeURIComponent(run.id)}`,
    }));
  } catch {
    return null;
  }
}

/** What the message detail shows about its durable runs. */
export async function durableRunsOf(config: DurableRunsConfig, messageId: string, fetchImpl: typeof fetch = fetch) {
  return { mode: config.mode, link: runsLink(config, messageId), runs: await localRunsFor(config, messageId, fetchImpl) };
}
