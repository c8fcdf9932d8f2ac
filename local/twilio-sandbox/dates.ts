/** The REST API (2010-04-01) writes dates as RFC 2822 in GMT: "Thu, 24 Aug 2023 05:01:45 +0000". */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

/** Verify v2 writes ISO 8601 without milliseconds: "2015-07-30T20:00:00Z". */
export function iso8601(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The carrier's DLR "done date": YYMMDDhhmm, minute precision, no zone. */
export function rawDlrDoneDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes())
  );
}
