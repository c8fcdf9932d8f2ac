"use client";

import { useEffect, useState } from "react";

/**
 * A time in the reader's locale, without seconds, in `timeZone` (the user's chosen zone) or else
 * the browser's own. The server cannot know the reader's locale, so it renders a neutral UTC form
 * and the browser replaces it after hydration (formatting during render would make the server
 * and browser HTML differ).
 */
export function LocalTime({ date, dateOnly = false, timeZone }: { date: Date; dateOnly?: boolean; timeZone?: string }) {
  const [local, setLocal] = useState<string | null>(null);
  useEffect(() => {
    const format = new Intl.DateTimeFormat(undefined, {
      dateStyle: "medium",
      ...(dateOnly ? {} : { timeStyle: "short" }),
      ...(timeZone ? { timeZone } : {}),
    });
    setLocal(format.format(date));
  }, [date, dateOnly, timeZone]);
  const iso = date.toISOString();
  return <time dateTime={iso}>{local ?? (dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 16).replace("T", " ")} UTC`)}</time>;
}
