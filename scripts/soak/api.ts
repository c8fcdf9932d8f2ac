import superjson from "superjson";
import { CookieJar } from "@/tests/helpers/cookie-jar";

/**
 * The public surfaces the soak drives, each as a browser, a phone or an operator reaches it:
 * better-auth's HTTP API and tRPC over HTTP through the front (with the front's Origin, as a
 * page of the app sends), the sandbox's /__sandbox API (Verify codes, a phone's replies,
 * faults, its record), and the executor's API (its clock, events the engine receives).
 * Every call is bounded in time.
 */
const CALL_TIMEOUT_MS = 30_000;

export class CallError extends Error {
  constructor(
    message: string,
    /** The request may or may not have taken effect (cut off, timed out, 5xx). */
    readonly ambiguous: boolean,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
  } catch (error) {
    // Connection refused means it never arrived; anything else may have.
    const refused = (error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED";
    throw new CallError(`${init.method ?? "GET"} ${url}: ${(error as Error).message}`, !refused);
  }
}

export class Browser {
  readonly jar = new CookieJar();
  constructor(readonly frontUrl: string) {}

  private headers(extra: Record<string, string> = {}) {
    return { origin: this.frontUrl, cookie: this.jar.header(), ...extra };
  }

  async auth(path: "sign-up/email" | "sign-in/email", body: Record<string, string>): Promise<{ user: { id: string } }> {
    const response = await call(`${this.frontUrl}/api/auth/${path}`, {
      method: "POST",
      headers: this.headers({ "content-type": "application/json" }),
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new CallError(`${path}: ${response.status} ${await response.text()}`, response.status >= 500, response.status);
    this.jar.store(response);
    return (await response.json()) as { user: { id: string } };
  }

  async mutation<T>(procedure: string, input?: unknown): Promise<T> {
    const response = await call(`${this.frontUrl}/api/trpc/${procedure}`, {
      method: "POST",
      headers: this.headers({ "content-type": "application/json" }),
      body: input === undefined ? "" : JSON.stringify(superjson.serialize(input)),
    });
    return this.result<T>(procedure, response);
  }

  async query<T>(procedure: string, input?: unknown): Promise<T> {
    const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
    const response = await call(`${this.frontUrl}/api/trpc/${procedure}${query}`, { headers: this.headers() });
    return this.result<T>(procedure, response);
  }

  private async result<T>(procedure: string, response: Response): Promise<T> {
    this.jar.store(response);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The answer began but was cut off (the app killed mid-answer): it may have taken effect,
      // and no status says whether it did.
      throw new CallError(`${procedure}: the answer was cut off (${(error as Error).message})`, true);
    }
    let body: { result?: { data: { json: unknown; meta?: unknown } }; error?: { json: { message: string } } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new CallError(`${procedure}: ${response.status} ${text.slice(0, 200)}`, response.status >= 500, response.status);
    }
    if (!response.ok || !body.result) {
      throw new CallError(`${procedure}: ${response.status} ${body.error?.json.message ?? text.slice(0, 200)}`, response.status >= 500, response.status);
    }
    return superjson.deserialize(body.result.data as Parameters<typeof superjson.deserialize>[0]) as T;
  }
}

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await call(url, {
    ...init,
    headers: { "content-type": "application/json", ...(init.headers ?? {}) },
  });
  const text = await response.text();
  if (!response.ok) throw new CallError(`${init.method ?? "GET"} ${url}: ${response.status} ${text.slice(0, 300)}`, response.status >= 500, response.status);
  return JSON.parse(text) as T;
}

const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });

export interface SandboxMessage {
  sid: string;
  to: string;
  direction: string;
  status: string;
  error_code: number | null;
  status_callback: string | null;
}

export function sandboxApi(url: string) {
  return {
    code: (to: string) => json<{ code: string }>(`${url}/__sandbox/verifications/code?to=${encodeURIComponent(to)}`),
    inbound: (from: string, body: string) => json<{ responseStatus: number | null }>(`${url}/__sandbox/inbound`, post({ from, body })),
    faults: (patch: Record<string, number | boolean>) => json<{ faults: Record<string, number | boolean> }>(`${url}/__sandbox/faults`, post(patch)),
    messages: () => json<{ messages: SandboxMessage[] }>(`${url}/__sandbox/messages`),
    callbacksIdle: () => json<unknown>(`${url}/__sandbox/callbacks/idle`, post({})),
  };
}

export function executorApi(url: string, eventKey: string) {
  return {
    clock: () => json<{ now: string; offset_ms: number }>(`${url}/v0/clock`),
    advanceTo: (to: Date) => json<{ now: string; offset_ms: number }>(`${url}/v0/clock/advance`, post({ to: to.toISOString() })),
    /** An event as the engine receives it from any sender (the app's SDK does the same). */
    send: (event: { name: string; data: unknown; id: string }) => json<unknown>(`${url}/e/${eventKey}`, post(event)),
    runs: (query: string) => json<{ runs: Array<{ id: string; function_id: string; status: string; ended_at: string | null }> }>(`${url}/v0/runs?${query}`),
  };
}
