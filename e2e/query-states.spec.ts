import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { build } from "esbuild";

/**
 * The list states every list in the app gets from QueryList (components/ui/query-states.tsx),
 * in the browser: loading, an error with a "Try again" that reads again, empty, and items.
 * The harness page renders the real component; the test decides when and how each read ends.
 */
let script = "";
test.beforeAll(async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("harness/query-list.tsx", import.meta.url))],
    bundle: true,
    write: false,
    format: "iife",
    jsx: "automatic",
    tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)),
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "error",
  });
  script = result.outputFiles[0]!.text;
});

async function openHarness(page: Page) {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.setContent('<!doctype html><html><body><div id="root"></div></body></html>');
  await page.addScriptTag({ content: script });
  return errors;
}

const readCount = (page: Page) => page.evaluate(() => (window as unknown as { harness: { reads: unknown[] } }).harness.reads.length);
const answerRead = (page: Page, index: number, outcome: { items: string[] } | { error: string }) =>
  page.evaluate(
    ([i, o]) => {
      const read = (window as unknown as { harness: { reads: Array<{ resolve(x: string[]): void; reject(m: string): void }> } })
        .harness.reads[i]!;
      if ("items" in o) read.resolve(o.items);
      else read.reject(o.error);
    },
    [index, outcome] as const,
  );

test("a list shows loading, then an error with Try again that reads again, then its empty state", async ({ page }) => {
  const errors = await openHarness(page);
  await expect(page.getByRole("status")).toHaveText("Loading your texts…");
  await expect.poll(() => readCount(page)).toBe(1);

  await answerRead(page, 0, { error: "The database did not answer" });
  await expect(page.getByRole("alert")).toContainText("Could not load your texts: The database did not answer");

  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("status")).toHaveText("Loading your texts…");
  await expect.poll(() => readCount(page)).toBe(2);

  await answerRead(page, 1, { items: [] });
  await expect(page.getByText("No texts yet.")).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a list with items renders them, and no empty or error state", async ({ page }) => {
  await openHarness(page);
  await expect.poll(() => readCount(page)).toBe(1);
  await answerRead(page, 0, { items: ["Reminder: site visit", "Daily brief"] });
  await expect(page.getByRole("list", { name: "Texts" }).getByRole("listitem")).toHaveText(["Reminder: site visit", "Daily brief"]);
  await expect(page.getByText("No texts yet.")).toHaveCount(0);
  await expect(page.getByRole("alert")).toHaveCount(0);
});
