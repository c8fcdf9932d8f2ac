import { createHmac, timingSafeEqual } from "node:crypto";
import twilio from "twilio";
import type { MessageInstance } from "twilio/lib/rest/api/v2010/account/message";
import { z } from "zod";
import { ProviderError } from "./errors";
import { ProviderHttpClient } from "./http-client";
import { parseStatusCallback } from "./parse-status-callback";
import {
  MESSAGE_STATUSES,
  type MessageDirection,
  type MessageStatus,
  type SentMessage,
  type SmsProvider,
  type VerificationStatus,
} from "./types";

export interface TwilioProviderConfig {
  accountSid: string;
  /**
   * The account's auth token. Twilio signs every webhook (status callbacks, inbound
   * texts) with it, so it is needed to verify signatures even when the REST API is
   * called with an API key.
   */
  authToken?: string;
  /** API key (SK…) + secret for REST calls; preferred over the auth token when set. */
  apiKeySid?: string;
  apiKeySecret?: string;
  /** Preferred sender: needed for scheduling at Twilio (SendAt). */
  messagingServiceSid?: string;
  /** Used only when no Messaging Service is configured. */
  fromNumber?: string;
  verifyServiceSid: string;
  /** Local sandbox origin, e.g. http://127.0.0.1:8465; Twilio's hosts are rewritten to it. */
  sandboxUrl?: string;
  /** Per-request timeout; a timeout after sending is an ambiguous failure. Default 15 s. */
  timeoutMs?: number;
}

const configSchema = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "accountSid must be AC + 32 hex digits"),
    authToken: z.string().min(1).optional(),
    apiKeySid: z.string().regex(/^SK[0-9a-fA-F]{32}$/, "apiKeySid must be SK + 32 hex digits").optional(),
    apiKeySecret: z.string().min(1).optional(),
    messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/, "messagingServiceSid must be MG + 32 hex digits").optional(),
    fromNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, "fromNumber must be E.164").optional(),
    verifyServiceSid: z.string().regex(/^VA[0-9a-fA-F]{32}$/, "verifyServiceSid must be VA + 32 hex digits"),
    sandboxUrl: z.url().optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .refine((c) => c.authToken || (c.apiKeySid && c.apiKeySecret), "authToken or apiKeySid + apiKeySecret is required")
  .refine((c) => Boolean(c.apiKeySid) === Boolean(c.apiKeySecret), "apiKeySid and apiKeySecret go together")
  .refine((c) => c.messagingServiceSid || c.fromNumber, "messagingServiceSid or fromNumber is required");

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_LIST_LIMIT = 50;
const KNOWN_STATUSES: ReadonlySet<string> = new Set(MESSAGE_STATUSES);

function isMessageStatus(value: string): value is MessageStatus {
  return KNOWN_STATUSES.has(value);
}

export function createTwilioProvider(input: TwilioProviderConfig): SmsProvider {
  const config = configSchema.parse(input);
  const httpClient = new ProviderHttpClient({
    sandboxUrl: config.sandboxUrl,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const client =
    config.apiKeySid && config.apiKeySecret
      ? twilio(config.apiKeySid, config.apiKeySecret, { accountSid: config.accountSid, httpClient })
      : twilio(config.accountSid, config.authToken, { httpClient });
  const verifyService = client.verify.v2.services(config.verifyServiceSid);
  const sender = config.messagingServiceSid
    ? { messagingServiceSid: config.messagingServiceSid }
    : { from: config.fromNumber };

  return {
    async send({ to, body, statusCallbackUrl, sendAt, validityPeriodSeconds }) {
      const message = await client.messages.create({
        to,
        body,
        ...sender,
        ...(statusCallbackUrl ? { statusCallback: statusCallbackUrl } : {}),
        ...(validityPeriodSeconds !== undefined ? { validityPeriod: validityPeriodSeconds } : {}),
        ...(sendAt ? { sendAt, scheduleType: "fixed" as const } : {}),
      });
      return toSentMessage(message);
    },

    async cancelScheduled(sid) {
      return toSentMessage(await client.messages(sid).update({ status: "canceled" }));
    },

    async fetch(sid) {
      return toSentMessage(await client.messages(sid).fetch());
    },

    async listByRecipient(to, options = {}) {
      const messages = await client.messages.list({
        to,
        ...(options.sentAfter ? { dateSentAfter: options.sentAfter } : {}),
        limit: options.limit ?? DEFAULT_LIST_LIMIT,
      });
      return messages.map(toSentMessage);
    },

    async startVerification(to) {
      const verification = await verifyService.verifications.create({ to, channel: "sms" });
      return {
        sid: verification.sid,
        status: toVerificationStatus(verification.status),
        sendCodeAttempts: verification.sendCodeAttempts?.length ?? 0,
      };
    },

    async checkVerification(to, code) {
      try {
        const check = await verifyService.verificationChecks.create({ to, code });
        const status = toVerificationStatus(check.status);
        return { approved: status === "approved", status };
      } catch (error) {
        // Both are answers about the code, not failures of the call.
        if (error instanceof ProviderError && error.code === 20404) return { approved: false, status: "not_found" };
        if (error instanceof ProviderError && error.code === 60202) return { approved: false, status: "max_attempts_reached" };
        throw error;
      }
    },

    async lookupLineType(to) {
      const number = await client.lookups.v2.phoneNumbers(to).fetch({ fields: "line_type_intelligence" });
      const type: unknown = (number.lineTypeIntelligence as { type?: unknown } | null)?.type;
      return typeof type === "string" && type ? type : null;
    },

    verifySignature({ url, params, signature }) {
      if (!config.authToken) {
        throw new Error("Twilio authToken is required to verify webhook signatures (also when using an API key)");
      }
      if (!signature) return false;
      // Twilio signs the exact URL it posted to, so one HMAC over that URL settles a genuine
      // callback. The SDK's check tries up to six URL variants (default port added or removed,
      // normalized query) and runs only on a mismatch: the exact URL is always one of its
      // variants, so what is accepted stays exactly what the SDK accepts.
      if (signatureMatches(expectedSignature(config.authToken, url, params), signature)) return true;
      return twilio.validateRequest(config.authToken, signature, url, params);
    },

    parseStatusCallback,
  };
}

/** Twilio's webhook signature: base64 HMAC-SHA1 of the URL followed by each name and value, names sorted. */
function expectedSignature(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function toSentMessage(m: MessageInstance): SentMessage {
  const status: string = m.status;
  if (!isMessageStatus(status)) {
    throw new ProviderError({ message: `Twilio returned unknown message status "${status}"`, kind: "ambiguous", reason: "unknown message status" });
  }
  const direction: MessageDirection = m.direction;
  return {
    sid: m.sid,
    status,
    direction,
    to: m.to,
    // The SDK types these as always present; the API sends null for many of them.
    from: m.from ?? null,
    body: m.body ?? "",
    messagingServiceSid: m.messagingServiceSid ?? null,
    numSegments: Number(m.numSegments ?? 0),
    errorCode: m.errorCode ?? null,
    errorMessage: m.errorMessage ?? null,
    price: m.price ?? null,
    priceUnit: m.priceUnit ?? null,
    dateCreated: m.dateCreated ?? null,
    dateSent: m.dateSent ?? null,
    dateUpdated: m.dateUpdated ?? null,
  };
}

const VERIFICATION_STATUSES: ReadonlySet<string> = new Set<VerificationStatus>([
  "pending",
  "approved",
  "canceled",
  "max_attempts_reached",
  "deleted",
  "failed",
  "expired",
]);

function isVerificationStatus(value: string): value is VerificationStatus {
  return VERIFICATION_STATUSES.has(value);
}

function toVerificationStatus(status: string): VerificationStatus {
  if (!isVerificationStatus(status)) {
    throw new ProviderError({ message: `Twilio returned unknown verification status "${status}"`, kind: "ambiguous", reason: "unknown verification status" });
  }
  return status;
}
