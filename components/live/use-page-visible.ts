"use client";

import { useEffect, useState } from "react";

/**
 * False once the page has been hidden (a background tab, a minimised window) for `graceMs`;
 * true again the moment it is shown. A live stream follows it, so a tab left in the background
 * does not hold a connection open forever, and a quick tab switch does not drop one.
 */
export function usePageVisible(graceMs: number): boolean {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const update = () => {
      clearTimeout(timer);
      if (document.visibilityState === "visible") setVisible(true);
      else timer = setTimeout(() => setVisible(false), graceMs);
    };
    update();
    document.addEventListener("visibilitychange", update);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", update);
    };
  }, [graceMs]);
  return visible;
}
