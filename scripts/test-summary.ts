// Prints one closing line for the whole `npm test` run from the runners' JSON reports.
import { existsSync, readFileSync } from "node:fs";

const dir = process.argv[2] ?? "test-results/reports";
let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of ["unit", "integration", "smoke"]) {
  const file = `${dir}/${name}.json`;
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
const e2eFile = `${dir}/e2e.json`;
if (existsSync(e2eFile)) {
  const { stats } = JSON.parse(readFileSync(e2eFile, "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
}
// The soak: each invariant is one check; a skipped soak (no PostgreSQL) counts as one skipped,
// one that stopped before its audit as one failed.
const soakFile = `${dir}/soak.json`;
if (existsSync(soakFile)) {
  const soak = JSON.parse(readFileSync(soakFile, "utf8")) as { skipped?: boolean; crashed?: boolean; invariants: Array<{ violations: number }> };
  if (soak.skipped) skipped += 1;
  if (soak.crashed) failed += 1;
  for (const invariant of soak.invariants) {
    if (invariant.violations === 0) passed += 1;
    else failed += 1;
  }
}
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
