/** Formatting shared by the admin pages; deterministic (no locale), so server and browser HTML agree. */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-03-05" → "Mar 5". */
export function shortDay(isoDay: string): string {
  const [, month, day] = isoDay.split("-").map(Number);
  return `${MONTHS[(month ?? 1) - 1]} ${day}`;
}

export function percent(rate: number | null): string {
  return rate === null ? "–" : `${(rate * 100).toFixed(1)}%`;
}

/** 45 → "45 s", 600 → "10 min", 5400 → "1.5 h". */
export function duration(seconds: number | null): string {
  if (seconds === null) return "–";
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 3 * 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function count(value: number): string {
  return value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function money(amount: number | null, unit: string | null): string {
  if (amount === null) return "–";
  return `${amount.toFixed(amount < 1 ? 4 : 2)} ${unit ?? ""}`.trim();
}
