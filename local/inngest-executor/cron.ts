import { Cron } from "croner";

// Inngest cron strings may start with a time zone: "TZ=Europe/Paris 0 9 * * *".
function splitTimezone(expression: string): { pattern: string; timezone: string | undefined } {
  const match = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expression.trim());
  return match ? { pattern: match[2] ?? "", timezone: match[1] } : { pattern: expression.trim(), timezone: undefined };
}

/** The first fire time strictly after `afterMs`, in ms; null when the pattern never fires again. */
export function nextCronTime(expression: string, afterMs: number): number | null {
  const { pattern, timezone } = splitTimezone(expression);
  const cron = new Cron(pattern, { timezone, paused: true });
  const next = cron.nextRun(new Date(afterMs));
  cron.stop();
  return next ? next.getTime() : null;
}

export function cronSyntaxError(expression: string): string | null {
  try {
    nextCronTime(expression, Date.now());
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
