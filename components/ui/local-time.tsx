"use client";

import { useEffect, useState } from "react";

/**
 * A time in the reader's locale, without seconds, in `timeZone` (the user's chosen zone) or else
 * the browser's own. The server cannot know the reader's locale, so it renders a neutral UTC form
 * and the browser replaces it after hydration (formatting during render would make the server
 * and browser HTML differ).
 */
export function LocalTime({ date: at, dateOnly = false, timeZone }: { date: Date | string; dateOnly?: boolean; timeZone?: string }) {
  const [local, setLocal] = useState<string | null>(null);
  // An ISO string (the history's rows carry their time as text) or a Date.
  const date = typeof at === "string" ? new Date(at) : at;
  useEffect(() => {
    const format = new Intl.DateTimeFormat(undefined, {
      dateStyle: "medium",
      ...(dateOnly ? {} : { timeStyle: "short" }),
      ...(timeZone ? { timeZone } : {}),
    });
    setLocal(format.format(typeof at === "string" ? new Date(at) : at));
  }, [at, dateOnly, timeZone]);
  const iso = date.toISOString();
  return <time dateTime={iso}>{local ?? (dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 16).replace("T", " ")} UTC`)}</time>;
}
