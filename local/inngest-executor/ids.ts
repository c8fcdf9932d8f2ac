import { randomBytes } from "node:crypto";

// ULIDs: 48-bit millisecond time + 80 bits of randomness, Crockford base32 (26 chars).
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_BITS = 80n;
const RANDOM_MASK = (1n << RANDOM_BITS) - 1n;

function encodeBase32(value: bigint, length: number): string {
  let out = "";
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = CROCKFORD[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

export function ulid(timeMs: number, randomness: bigint): string {
  const time = BigInt(Math.max(0, Math.floor(timeMs))) & ((1n << 48n) - 1n);
  return encodeBase32(time, 10) + encodeBase32(randomness & RANDOM_MASK, 16);
}

export function randomUlid(timeMs: number): string {
  return ulid(timeMs, bytesToBigInt(randomBytes(10)));
}

/**
 * The SDK sends `x-inngest-event-id-seed: <ms>,<base64 of 10 random bytes>` with every send.
 * Deriving the ids from it (plus the event's index) makes a retried send produce the same ids,
 * which is how a retried send is recognised and not routed twice.
 */
export function eventIdsFromSeed(seedHeader: string | null | undefined, count: number, nowMs: number): string[] {
  const seed = parseEventIdSeed(seedHeader);
  return Array.from({ length: count }, (_, index) =>
    seed ? ulid(seed.timeMs, seed.entropy + BigInt(index)) : randomUlid(nowMs),
  );
}

export function parseEventIdSeed(header: string | null | undefined): { timeMs: number; entropy: bigint } | null {
  if (!header) return null;
  const [msText, entropyText] = header.split(",");
  const timeMs = Number(msText);
  if (!Number.isFinite(timeMs) || timeMs <= 0 || !entropyText) return null;
  const bytes = Buffer.from(entropyText, "base64");
  if (bytes.length !== 10) return null;
  return { timeMs, entropy: bytesToBigInt(bytes) };
}
