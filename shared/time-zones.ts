import { TIME_ZONE_ALIASES, TIME_ZONE_ENTRIES } from "./time-zones.generated";

/**
 * The time zones a person can choose: IANA's current names (zone.tab, one or more per country,
 * plus UTC), never legacy aliases such as Asia/Calcutta or US/Eastern. The server stores only
 * these names; the browser's own zone and anything typed are mapped onto them first.
 * Client-safe: the settings form and the server read the same list.
 */
export const TIME_ZONES: readonly string[] = TIME_ZONE_ENTRIES.map(([zone]) => zone);

const countryByZone = new Map(TIME_ZONE_ENTRIES);
const byLowerCase = new Map<string, string>([
  ...Object.entries(TIME_ZONE_ALIASES).map(([alias, zone]) => [alias.toLowerCase(), zone] as const),
  ...TIME_ZONES.map((zone) => [zone.toLowerCase(), zone] as const),
]);

/** The listed zone a name means (`asia/calcutta` → `Asia/Kolkata`, `UTC` → `Etc/UTC`), or null. */
export function canonicalTimeZone(name: string): string | null {
  return byLowerCase.get(name.trim().toLowerCase()) ?? null;
}

/** ISO 3166 code of the zone's country ("" for UTC). */
export function countryOfTimeZone(zone: string): string {
  return countryByZone.get(zone) ?? "";
}

/** "New York" for America/New_York, "UTC" for Etc/UTC: the part people recognise. */
export function timeZoneCity(zone: string): string {
  if (zone === "Etc/UTC") return "UTC";
  return (zone.split("/").at(-1) ?? zone).replaceAll("_", " ");
}

/** The zone's offset from UTC at `at`, as "UTC−05:00" (DST-aware: it is the offset in force then). */
export function utcOffsetLabel(zone: string, at: Date): string {
  const part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  const offset = part?.replace(/^GMT/, "") || "+00:00";
  return `UTC${offset.replace("-", "−")}`;
}

/** The browser's own zone as one of the listed zones, or null when it maps to none. */
export function browserTimeZone(): string | null {
  return canonicalTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone ?? "");
}
