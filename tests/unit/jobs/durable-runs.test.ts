import { describe, expect, it } from "vitest";
import { parseEnv } from "@/server/config/env";
import { durableRunsConfig, durableRunsOf, runsLink } from "@/server/jobs/durable-runs";

const messageId = "0b9e6c1e-6c55-4d1e-9a43-2f0a7f3f9a10";

describe("durable run links", () => {
  it("points at the local executor's runs for the event in local mode, from configuration", () => {
    const config = durableRunsConfig(parseEnv({ INNGEST_DEV: "1", INNGEST_BASE_URL: "http://127.0.0.1:3920/" }));
    expect(config).toEqual({ mode: "local-executor", executorUrl: "http://127.0.0.1:3920" });
    expect(runsLink(config, messageId)).toBe(`http://127.0.0.1:3920/v0/runs?event_id=${messageId}`);
    expect(durableRunsConfig(parseEnv({ INNGEST_DEV: "http://localhost:9999" }))).toEqual({ mode: "local-executor", executorUrl: "http://localhost:9999" });
    expect(durableRunsConfig(parseEnv({}))).toEqual({ mode: "local-executor", executorUrl: "http://127.0.0.1:8288" });
  });

  it("points at the Inngest dashboard's event search with a signing key", () => {
    const config = durableRunsConfig(parseEnv({ INNGEST_SIGNING_KEY: "signkey-prod-abc", INNGEST_DASHBOARD_URL: "https://app.inngest.com/env/staging" }));
    expect(runsLink(config, messageId)).toBe(`https://app.inngest.com/env/staging/events?search=${messageId}`);
  });

  it("reads the executor's runs for the message, and only shows the link when the executor does not answer", async () => {
    const config = durableRunsConfig(parseEnv({ INNGEST_DEV: "1", INNGEST_BASE_URL: "http://executor.test" }));
    const asked: string[] = [];
    const executor = (async (url: string) => {
      asked.push(url);
      return Response.json({
        runs: [{ id: "01RUN", function_id: "buildos-sms-send-sms", status: "completed", created_at: "2026-03-01T00:00:00.000Z", ended_at: null }],
      });
    }) as typeof fetch;
    expect(await durableRunsOf(config, messageId, executor)).toEqual({
      mode: "local-executor",
      link: `http://executor.test/v0/runs?event_id=${messageId}`,
      runs: [
        {
          id: "01RUN",
          functionId: "buildos-sms-send-sms",
          status: "completed",
          createdAt: "2026-03-01T00:00:00.000Z",
          endedAt: null,
          link: "http://executor.test/v0/runs/01RUN",
        },
      ],
    });
    expect(asked).toEqual([`http://executor.test/v0/runs?event_id=${messageId}`]);
    const down = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    expect((await durableRunsOf(config, messageId, down)).runs).toBeNull();
  });
});
