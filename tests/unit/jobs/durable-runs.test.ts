import { describe, expect, it } from "vitest";
import { parseEnv } from "@/server/config/env";
import { durableRunsConfig, durableRunsOf, runsLink } from "@/server/jobs/durable-runs";

const messageId = "0b9e6c1e-6c55-4d1e-9a43-2f0a7f3f9a10";

describe("durable run links", () => {
  const hex = (n: number, c: string) => c.repeat(n);
  const base = {
    SMS_PROVIDER: "sandbox",
    TWILIO_ACCOUNT_SID: `AC${hex(32, "1")}`,
    TWILIO_AUTH_TOKEN: hex(32, "2"),
    TWILIO_MESSAGING_SERVICE_SID: `MG${hex(32, "3")}`,
    TWILIO_VERIFY_SERVICE_SID: `VA${hex(32, "4")}`,
    INNGEST_SIGNING_KEY: `signkey-prod-${hex(64, "5")}`,
    INNGEST_EVENT_KEY: hex(64, "6"),
  };

  it("points at the local executor's runs for the event in local mode, from configuration", () => {
    const config = durableRunsConfig(parseEnv({ ...base, DURABLE_EXECUTION: "local-executor", INNGEST_BASE_URL: "http://127.0.0.1:3920/" }));
    expect(config).toEqual({ mode: "local-executor", executorUrl: "http://127.0.0.1:3920" });
    expect(runsLink(config, messageId)).toBe(`http://127.0.0.1:3920/v0/runs?event_id=${messageId}`);
  });

  it("points at the Inngest dashboard's event search with Inngest", () => {
    const staging = durableRunsConfig(parseEnv({ ...base, INNGEST_DASHBOARD_URL: "https://app.inngest.com/env/staging" }));
    expect(runsLink(staging, messageId)).toBe(`https://app.inngest.com/env/staging/events?search=${messageId}`);
    expect(durableRunsConfig(parseEnv(base))).toEqual({ mode: "inngest-cloud", dashboardUrl: "https://app.inngest.com/env/production" });
    const selfHosted = durableRunsConfig(parseEnv({ ...base, INNGEST_BASE_URL: "https://inngest.internal:8288/" }));
    expect(runsLink(selfHosted, messageId)).toBe(`https://inngest.internal:8288/events?search=${messageId}`);
  });

  it("reads the executor's runs for the message, and only shows the link when the executor does not answer", async () => {
    const config = durableRunsConfig(parseEnv({ ...base, DURABLE_EXECUTION: "local-executor", INNGEST_BASE_URL: "http://executor.test" }));
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
