"use client";

import { useEffect, useState } from "react";

/**
 * Seconds left of `seconds` counted from `since` (ms since epoch, when the server said it),
 * ticking once a second. Before hydration it is `seconds` as given, so the server and the
 * browser render the same text.
 */
export function useCountdown(seconds: number, since: number): number {
  const [now, setNow] = useState<number | null>(null);
  const deadline = since + seconds * 1000;
  useEffect(() => {
    setNow(Date.now());
    if (deadline <= Date.now()) return;
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= deadline) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  if (now === null) return seconds;
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** 75 → "1:15". */
export function minutesAndSeconds(total: number): string {
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}
