"use client";

import { useEffect, useState } from "react";

/**
 * A time in the reader's locale, without seconds, in `timeZone` (the user's chosen zone) or else
 * the browser's own. The server cannot know the reader's locale, so it renders a neutral UTC form
 * and the browser replaces it after hydration (formatting during render would make the server
 * and browser HTML differ).
 */
export function LocalTime({ date, dateOnly = false, timeZone }: { date: Date | string; dateOnly?: boolean; timeZone?: string }) {
  const [local, setLocal] = useState<string | null>(null);
  // One form for both inputs (the history's rows carry their time as ISO text), and a stable one for the effect.
  const iso = (typeof date === "string" ? new Date(date) : date).toISOString();
  useEffect(() => {
    const format = new Intl.DateTimeFormat(undefined, {
      dateStyle: "medium",
      ...(dateOnly ? {} : { timeStyle: "short" }),
      ...(timeZone ? { timeZone } : {}),
    });
    setLocal(format.format(new Date(iso)));
  }, [iso, dateOnly, timeZone]);
  return <time dateTime={iso}>{local ?? (dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 16).replace("T", " ")} UTC`)}</time>;
}
