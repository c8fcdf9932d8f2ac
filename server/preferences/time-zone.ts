/**
 * The canonical name of a time zone as typed (`america/new_york` → `America/New_York`,
 * `utc` → `UTC`, `US/Eastern` → `America/New_York`), or null if it is not a time zone.
 * The name comes from the runtime's own zone data (ICU), the same data that formats times
 * and lists the zones in the settings form, so what is stored is always one of its names.
 */
export function canonicalTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
