"use client";

import { useEffect, useState } from "react";

/**
 * A time in the reader's own zone and locale. The server cannot know them, so it renders a
 * neutral UTC form and the browser replaces it after hydration (formatting during render
 * would make the server and browser HTML differ).
 */
export function LocalTime({ date, dateOnly = false }: { date: Date; dateOnly?: boolean }) {
  const [local, setLocal] = useState<string | null>(null);
  useEffect(() => {
    setLocal(dateOnly ? date.toLocaleDateString() : date.toLocaleString());
  }, [date, dateOnly]);
  const iso = date.toISOString();
  return <time dateTime={iso}>{local ?? (dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 16).replace("T", " ")} UTC`)}</time>;
}
