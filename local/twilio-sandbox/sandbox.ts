import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  SANDBOX_FROM_NUMBER,
  SANDBOX_MESSAGING_SERVICE_SID,
  SANDBOX_VERIFY_SERVICE_SID,
} from "./credentials";
import { clearTimers, type ApiKey, type SandboxConfig, type SandboxContext } from "./context";
import { advanceClock, callbacksIdle, resetSandbox, setFaults, verificationCode } from "./controls";
import type { Faults, FaultsPatch } from "./faults";
import { simulateInbound, type InboundInput } from "./inbound";
import { releaseDueMessages } from "./lifecycle";
import { createRequestHandler } from "./router";
import { emptyState, type InboundRecord, type SandboxState } from "./state";
import { stateView } from "./state-view";

export interface TwilioSandboxOptions {
  port?: number;
  /** Defaults to 127.0.0.1: the /__sandbox/ API has no auth. */
  host?: string;
  /**
   * URLs of the app whose pages may call the sandbox with an `Origin` header (their origins are
   * taken). Unset = none: any request with an `Origin` is refused (../request-guard.ts).
   */
  appUrls?: string[];
  accountSid: string;
  authToken: string;
  apiKeys?: ApiKey[];
  messagingServiceSids?: string[];
  verifyServiceSids?: string[];
  /** Senders the account owns; the first is also the Messaging Service's sender. */
  phoneNumbers?: string[];
  /** Injectable clock (the sandbox adds its own advance-clock offset on top). */
  now?: () => Date;
  /** Time per lifecycle hop (queued → sending → sent → delivered). Default 200 ms. */
  deliveryDelayMs?: number;
  /** Status callback attempts per status (first try included). Default 3. */
  callbackAttempts?: number;
  callbackRetryDelayMs?: number;
  webhookTimeoutMs?: number;
  inboundWebhookUrl?: string;
  /** Shortest SendAt lead accepted. Default 15 minutes. */
  scheduleMinLeadMs?: number;
  log?: (line: string) => void;
}

export interface TwilioSandbox {
  /** http://host:port once started. */
  readonly url: string;
  /** The live in-memory state (read it in tests; change it through the methods). */
  readonly state: SandboxState;
  start(): Promise<string>;
  stop(): Promise<void>;
  reset(): void;
  setFaults(patch: FaultsPatch): Faults;
  advanceClock(ms: number): Date;
  simulateInbound(input: InboundInput): Promise<InboundRecord>;
  setInboundWebhookUrl(url: string | null): void;
  verificationCode(to: string): string | undefined;
  /** Resolves when every queued status callback has been delivered (or given up on). */
  callbacksIdle(): Promise<void>;
  snapshot(): ReturnType<typeof stateView>;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SCHEDULER_TICK_MS = 1000;

export function createTwilioSandbox(options: TwilioSandboxOptions): TwilioSandbox {
  const config: SandboxConfig = {
    accountSid: options.accountSid,
    authToken: options.authToken,
    apiKeys: options.apiKeys ?? [],
    messagingServiceSids: options.messagingServiceSids ?? [SANDBOX_MESSAGING_SERVICE_SID],
    verifyServiceSids: options.verifyServiceSids ?? [SANDBOX_VERIFY_SERVICE_SID],
    phoneNumbers: options.phoneNumbers ?? [SANDBOX_FROM_NUMBER],
    deliveryDelayMs: options.deliveryDelayMs ?? 200,
    callbackAttempts: options.callbackAttempts ?? 3,
    callbackRetryDelayMs: options.callbackRetryDelayMs ?? 100,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 15_000,
    scheduleMinLeadMs: options.scheduleMinLeadMs ?? 15 * MINUTE,
    scheduleMaxLeadMs: 35 * DAY,
    verificationTtlMs: 10 * MINUTE,
    maxVerificationSends: 5,
    maxVerificationChecks: 5,
  };
  const ctx: SandboxContext = {
    config,
    state: emptyState(options.inboundWebhookUrl ?? null),
    baseNow: options.now ?? (() => new Date()),
    timers: new Set(),
    abort: new AbortController(),
    callbackChains: new Map(),
    heldCallbacks: new Map(),
  };
  const log = options.log ?? ((line: string) => console.error(line));
  const host = options.host ?? "127.0.0.1";
  let server: Server | undefined;
  let scheduler: NodeJS.Timeout | undefined;
  let url = "";

  return {
    get url() {
      if (!url) throw new Error("twilio sandbox is not started");
      return url;
    },
    get state() {
      return ctx.state;
    },
    async start() {
      const listeningPort = () => (started.address() as AddressInfo | null)?.port ?? 0;
      const started: Server = createServer(createRequestHandler(ctx, log, { port: listeningPort, boundHost: host, allowedOrigins: options.appUrls ?? [] }));
      await new Promise<void>((resolve, reject) => {
        started.once("error", reject);
        started.listen(options.port ?? 0, host, () => resolve());
      });
      server = started;
      const { port } = started.address() as AddressInfo;
      url = `http://${host}:${port}`;
      scheduler = setInterval(() => releaseDueMessages(ctx), SCHEDULER_TICK_MS);
      scheduler.unref();
      return url;
    },
    async stop() {
      if (scheduler) clearInterval(scheduler);
      clearTimers(ctx);
      ctx.abort.abort();
      const running = server;
      server = undefined;
      if (!running) return;
      await new Promise<void>((resolve) => {
        running.close(() => resolve());
        running.closeAllConnections();
      });
    },
    reset: () => resetSandbox(ctx),
    setFaults: (patch) => setFaults(ctx, patch),
    advanceClock: (ms) => advanceClock(ctx, ms),
    simulateInbound: (input) => simulateInbound(ctx, input),
    setInboundWebhookUrl: (value) => {
      ctx.state.inboundWebhookUrl = value;
    },
    verificationCode: (to) => verificationCode(ctx, to),
    callbacksIdle: () => callbacksIdle(ctx),
    snapshot: () => stateView(ctx),
  };
}
