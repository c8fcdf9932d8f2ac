/** Country names in English, for messages and the phone form (client-safe). */

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** "DE" → "Germany"; the code itself when the runtime has no name for it. */
export function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** ["US", "CA"] → "United States and Canada". */
export function countryNames(codes: readonly string[]): string {
  const names = codes.map(countryName);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
