import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { openDatabase } from "@/local/inngest-executor/store/db";

/**
 * Data directories hold session tokens, password hashes and phone numbers: owner only. A
 * directory left world-readable (PGlite had left most files 0666) is tightened when opened.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (file: string) => statSync(file).mode & 0o777;

function everyEntry(dir: string): string[] {
  return [dir, ...readdirSync(dir, { recursive: true }).map((name) => path.join(dir, String(name)))];
}

function newDir(): string {
  const parent = mkdtempSync(path.join(tmpdir(), "data-dir-modes-"));
  dirs.push(parent);
  return path.join(parent, "data");
}

/** What an old version left behind: every directory 0777, every file 0666. */
function openWide(dir: string) {
  for (const entry of everyEntry(dir)) chmodSync(entry, statSync(entry).isDirectory() ? 0o777 : 0o666);
}

function expectOwnerOnly(dir: string) {
  expect(modeOf(dir)).toBe(0o700);
  const open = everyEntry(dir).filter((entry) => (modeOf(entry) & 0o077) !== 0);
  expect(open).toEqual([]);
}

describe("data directories are owner-only", () => {
  it("the app's PGlite directory: created 0700, and a wide-open one is tightened at start", async () => {
    const dir = newDir();
    const first = openDb({ kind: "pglite", dataDir: dir });
    await first.migrate();
    await first.close();
    expect(modeOf(dir)).toBe(0o700);

    openWide(dir);
    const reopened = openDb({ kind: "pglite", dataDir: dir });
    expectOwnerOnly(dir); // before PGlite writes anything new
    await reopened.migrate();
    await reopened.close();
  });

  it("the executor's store: created 0700, and a wide-open one is tightened at start", async () => {
    const dir = newDir();
    await (await openDatabase({ dataDir: dir })).close();
    expect(modeOf(dir)).toBe(0o700);
    openWide(dir);
    writeFileSync(path.join(dir, "planted"), "x");
    chmodSync(path.join(dir, "planted"), 0o666);
    const reopened = await openDatabase({ dataDir: dir });
    await reopened.close();
    expect(modeOf(path.join(dir, "planted"))).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);
    // Anything PGlite created after the check is out of reach through the 0700 directory.
  });
});
