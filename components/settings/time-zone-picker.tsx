"use client";

import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { countryName } from "@/common/countries";
import { countryOfTimeZone, TIME_ZONES, timeZoneCity, utcOffsetLabel } from "@/common/time-zones";
import { controlProps, FieldShell } from "../ui/field";

interface ZoneOption {
  zone: string;
  offset: string;
  /** Lower-case text a search matches: zone, city, country, offset. */
  haystack: string;
}

/** Every listed zone with its offset now (computed when the list opens, so it follows DST). */
function zoneOptions(at: Date): ZoneOption[] {
  return TIME_ZONES.map((zone) => {
    const offset = utcOffsetLabel(zone, at);
    const country = countryOfTimeZone(zone);
    const haystack = [zone, timeZoneCity(zone), country ? countryName(country) : "", offset, offset.replace("−", "-")]
      .join(" ")
      .toLowerCase();
    return { zone, offset, haystack };
  });
}

/**
 * A searchable time-zone picker (the ARIA 1.2 combobox pattern): type a city, country, zone or
 * offset, pick with the mouse or arrow keys and Enter. Offers IANA's current zone names only,
 * each with its offset now. The chosen zone travels in a hidden input named `name`.
 */
export function TimeZonePicker({
  label,
  name,
  value,
  onChange,
  error,
  hint,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (zone: string) => void;
  error?: string;
  hint?: string;
}) {
  const id = useId();
  const listId = `${id}-list`;
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [options, setOptions] = useState<ZoneOption[] | null>(null);
  const [offsetNow, setOffsetNow] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  // Offsets depend on "now" and the browser's zone data: computed after hydration only.
  useEffect(() => setOffsetNow(utcOffsetLabel(value, new Date())), [value]);

  const matches = useMemo(() => {
    if (!options) return [];
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return words.length === 0 ? options : options.filter((o) => words.every((w) => o.haystack.includes(w)));
  }, [options, query]);

  useEffect(() => {
    if (!open) return;
    listRef.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [active, open]);

  function openList() {
    if (!options) setOptions(zoneOptions(new Date()));
    setOpen(true);
  }

  function choose(zone: string) {
    onChange(zone);
    setQuery("");
    setOpen(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) return openList();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((i) => Math.min(Math.max(i + step, 0), Math.max(matches.length - 1, 0)));
    } else if (event.key === "Enter") {
      if (!open) return;
      event.preventDefault(); // choosing a zone must not submit the form
      const option = matches[active];
      if (option) choose(option.zone);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setQuery("");
      setOpen(false);
    }
  }

  const activeId = open && matches[active] ? `${id}-option-${active}` : undefined;

  return (
    <FieldShell label={label} id={id} error={error} hint={hint} className="relative">
      <input type="hidden" name={name} value={value} />
      <input
        {...controlProps(id, error, hint)}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeId}
        autoComplete="off"
        spellCheck={false}
        placeholder="Search a city, country or offset"
        value={open ? query : offsetNow ? `${value} (${offsetNow})` : value}
        onFocus={openList}
        onClick={openList}
        onBlur={() => {
          setOpen(false);
          setQuery("");
        }}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          if (!open) openList();
        }}
        onKeyDown={onKeyDown}
      />
      <ul
        id={listId}
        ref={listRef}
        role="listbox"
        aria-label={`${label} choices`}
        hidden={!open}
        className="absolute z-10 mt-1 max-h-64 w-full overflow-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200"
      >
        {matches.length === 0 ? (
          <li className="px-3 py-2 text-slate-600" role="presentation">
            No time zone matches “{query}”.
          </li>
        ) : (
          matches.map((option, index) => (
            <li
              key={option.zone}
              id={`${id}-option-${index}`}
              data-index={index}
              role="option"
              aria-selected={option.zone === value}
              className={`flex cursor-pointer justify-between gap-3 px-3 py-2 ${index === active ? "bg-indigo-600 text-white" : "text-slate-900"}`}
              onMouseDown={(event) => event.preventDefault()} // keep focus in the input until chosen
              onMouseEnter={() => setActive(index)}
              onClick={() => choose(option.zone)}
            >
              <span className="min-w-0 break-words">{option.zone}</span>
              <span className={index === active ? "text-indigo-100" : "text-slate-600"}>{option.offset}</span>
            </li>
          ))
        )}
      </ul>
    </FieldShell>
  );
}
