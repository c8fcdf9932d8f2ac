import { setTimeout as sleep } from "node:timers/promises";
import type { Sql } from "postgres";
import twilio from "twilio";
import { DISCOVERY_STEP_ID } from "@/local/inngest-executor/protocol";
import { canonicalJson, SIGNATURE_HEADER, signatureFor } from "@/local/inngest-executor/signing";

/**
 * What one request of a kind costs the app's server: its CPU time from /proc over `count` requests,
 * sent one of two ways:
 * - `{ at }`: at the moments given (performance.now() ms, e.g. when the app's own requests
 *   arrived), each whether or not the one before has been answered (an open loop), CPU read over
 *   the whole span. This is how bench:send prices its floor: as many requests as the app served,
 *   arriving as they did, each as cheap as health.
 * - `{ inFlight }`: back to back, that many at a time (a closed loop). The server is saturated
 *   and takes several requests per turn of its event loop, so each costs less than one that
 *   arrives on its own (health: 10–50 % less on this machine); printed beside it.
 */
export type MeasuredServer = { url: string; cpuSeconds(): number };
export type ReplayedRequest = { path: string; init: RequestInit; expectStatus: number };
export type Pace = { at: number[] } | { inFlight: number };

export async function cpuPerRequest(
  server: MeasuredServer,
  count: number,
  request: (i: number) => ReplayedRequest,
  pace: Pace,
): Promise<number> {
  const one = async (i: number) => {
    const { path, init, expectStatus } = request(i);
    const response = await fetch(`${server.url}${path}`, init);
    const text = await response.text();
    if (response.status !== expectStatus) {
      throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status}, expected ${expectStatus}: ${text.slice(0, 200)}`);
    }
  };
  for (let i = 0; i < 200; i++) await one(i); // warm the route
  const before = server.cpuSeconds();
  if ("inFlight" in pace) {
    let next = 0;
    await Promise.all(
      Array.from({ length: pace.inFlight }, async () => {
        while (next < count) await one(next++);
      }),
    );
  } else {
    const started = performance.now();
    const answered: Promise<void>[] = [];
    if (count > pace.at.length) throw new Error(`${count} requests asked for, but only ${pace.at.length} moments given`);
    for (let i = 0; i < count; i++) {
      const wait = started + (pace.at[i]! - pace.at[0]!) - performance.now();
      if (wait > 0) await sleep(wait);
      answered.push(one(i));
    }
    await Promise.all(answered);
  }
  return ((server.cpuSeconds() - before) * 1000) / count;
}

/**
 * Waits until the server is idle (under 2 % of a core over a second), at most `timeoutMs`: after a
 * busy scenario it may keep working for a while, and a price measured then would charge that
 * work to the requests being priced. Returns how long it waited.
 */
export async function untilIdle(server: MeasuredServer, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  let last = server.cpuSeconds();
  for (;;) {
    await sleep(1000);
    const now = server.cpuSeconds();
    if (now - last < 0.02 || Date.now() - started > timeoutMs) return Date.now() - started;
    last = now;
  }
}

export const healthRequest = (): ReplayedRequest => ({ path: "/api/health", init: {}, expectStatus: 200 });

type SentMessage = { sid: string; to: string; from: string | null; messagingServiceSid: string | null; statusCallback: string | null };

/**
 * Each message's final "delivered" callback again, signed as Twilio signs it, to the URL the app
 * gave. The app checks and stores it as any callback (the status rule then finds it already
 * applied), so it costs what a callback costs less only the event row it no longer adds.
 */
export function replayedDeliveredCallbacks(
  messages: Iterable<SentMessage>,
  account: { accountSid: string; authToken: string },
): ReplayedRequest[] {
  const requests: ReplayedRequest[] = [];
  for (const m of messages) {
    if (!m.statusCallback) continue;
    const params: Record<string, string> = {
      AccountSid: account.accountSid,
      ApiVersion: "2010-04-01",
      MessageSid: m.sid,
      MessageStatus: "delivered",
      SmsSid: m.sid,
      SmsStatus: "delivered",
      To: m.to,
      ...(m.from ? { From: m.from } : {}),
      ...(m.messagingServiceSid ? { MessagingServiceSid: m.messagingServiceSid } : {}),
    };
    const url = new URL(m.statusCallback);
    requests.push({
      path: `${url.pathname}${url.search}`,
      init: {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": twilio.getExpectedTwilioSignature(account.authToken, m.statusCallback, params),
        },
        body: new URLSearchParams(params).toString(),
      },
      expectStatus: 204,
    });
  }
  return requests;
}

type CompletedRun = { id: string; url: string; event: unknown; events: unknown; max_attempts: number; steps: Record<string, unknown> | null; stack: string[] | null };

/**
 * The engine's call for each completed run of `functionIds`, rebuilt from the executor's state
 * with every step's result memoized: the SDK checks the signature, replays the memo, runs the
 * function's code between steps and answers 200 with its output, and no step runs (a 206 would
 * mean one did, and fails the measurement). Asked without checkpointing (`fn_id`, `qi_id`), so
 * the SDK posts nothing back. What is left is what any engine call costs: Next, the SDK, the
 * signature, the body both ways.
 */
export async function replayedEngineCalls(
  executorDb: Sql,
  schema: string,
  functionNames: string[],
  signingKey: string,
  limitPerFunction: number,
): Promise<ReplayedRequest[]> {
  // The engine's function ids are the app's id, a dash, then the function's own id.
  const functionIds = (
    await executorDb.unsafe<{ id: string }[]>(`select id from "${schema}".functions where id like any($1::text[])`, [
      functionNames.map((name) => `%-${name}`),
    ])
  ).map((f) => f.id);
  const runs = await executorDb.unsafe<CompletedRun[]>(
    `select r.id, f.config->'steps'->'${DISCOVERY_STEP_ID}'->'runtime'->>'url' as url, r.event, r.events, r.max_attempts,
            s.steps, s.stack
     from (select *, row_number() over (partition by function_id order by seq) as k
           from "${schema}".runs where status = 'completed' and function_id = any($1::text[])) r
     join "${schema}".functions f on f.id = r.function_id
     cross join lateral (
       select jsonb_object_agg(step_id, memo) as steps, array_agg(step_id order by completion_seq) as stack
       from "${schema}".steps where run_id = r.id and memo is not null and completion_seq is not null) s
     where r.k <= $2`,
    [functionIds, limitPerFunction],
  );
  return runs.map((run) => {
    const url = new URL(run.url);
    url.searchParams.set("stepId", DISCOVERY_STEP_ID);
    const stack = run.stack ?? [];
    return {
      path: `${url.pathname}${url.search}`,
      get init(): RequestInit {
        // Signed when sent: the SDK takes a signature for five minutes.
        const body = canonicalJson({
          event: run.event,
          events: run.events,
          steps: run.steps ?? {},
          ctx: {
            run_id: run.id,
            attempt: 0,
            max_attempts: run.max_attempts,
            disable_immediate_execution: false,
            use_api: false,
            stack: { stack, current: stack.length },
          },
        });
        return {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "accept-encoding": "identity",
            "x-inngest-server-kind": "dev",
            [SIGNATURE_HEADER]: signatureFor(body, signingKey),
          },
          body,
        };
      },
      expectStatus: 200,
    };
  });
}
