/**
 * A word-level diff between two template bodies, for the version history: the longest common
 * subsequence of words (whitespace runs are tokens too, so spacing changes show). Client-safe.
 */
export type DiffPart = { kind: "same" | "added" | "removed"; text: string };

/** Words and the whitespace between them, in order; joining them gives the text back. */
function tokens(text: string): string[] {
  return text.split(/(\s+)/).filter((t) => t !== "");
}

export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  // lcs[i][j] = length of the LCS of a[i..] and b[j..], one row of (b.length + 1) per i.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart["kind"], text: string) => {
    const last = parts[parts.length - 1];
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push("same", a[i]!);
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      push("removed", a[i++]!);
    } else {
      push("added", b[j++]!);
    }
  }
  while (i < a.length) push("removed", a[i++]!);
  while (j < b.length) push("added", b[j++]!);
  return foldLoneSpaces(parts);
}

/**
 * A space that is the only thing two changes share reads as noise ("BuildOS" + " " + "reminder:"
 * replacing "BuildOS:"): fold it into the change on both sides, so a change reads as one phrase.
 */
function foldLoneSpaces(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let removed = "";
  let added = "";
  const flush = () => {
    if (removed) out.push({ kind: "removed", text: removed });
    if (added) out.push({ kind: "added", text: added });
    removed = "";
    added = "";
  };
  parts.forEach((part, index) => {
    const inChange = removed !== "" || added !== "";
    const next = parts[index + 1];
    if (part.kind === "removed") removed += part.text;
    else if (part.kind === "added") added += part.text;
    else if (inChange && next && next.kind !== "same" && part.text.trim() === "") {
      removed += part.text;
      added += part.text;
    } else {
      flush();
      out.push(part);
    }
  });
  flush();
  return out;
}
