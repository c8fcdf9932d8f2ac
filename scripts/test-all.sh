#!/usr/bin/env bash
# Every test: lint, typecheck, unit, integration (PGlite, and PostgreSQL when TEST_DATABASE_URL
# is set), end-to-end in Debian's Chromium, the production smoke test (the standalone server the
# end-to-end stage built, on PostgreSQL) and the short chaos soak (PostgreSQL only; it reuses the
# same build). Stops at the first failing stage; ends with one "tests: N passed, N failed" line
# over all runners (each soak invariant counts as one test).
set -euo pipefail
cd "$(dirname "$0")/.."

reports=test-results/reports
rm -rf "$reports" && mkdir -p "$reports"
stage() { printf '\n=== %s ===\n' "$1"; }
echo "Node $(node --version)"

stage "lint";        node_modules/.bin/eslint . --max-warnings 0 && node_modules/.bin/knip --no-progress
stage "typecheck";   node_modules/.bin/tsc --noEmit -p .
stage "unit";        node_modules/.bin/vitest run --project unit --reporter=default --reporter=json --outputFile="$reports/unit.json"
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "note: TEST_DATABASE_URL is not set, so integration runs on PGlite only (see README: scripts/start-postgres.sh)."
fi
stage "integration"; node_modules/.bin/vitest run --project integration --reporter=default --reporter=json --outputFile="$reports/integration.json"
stage "end-to-end";  PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/e2e.json" bash scripts/e2e.sh --reporter=list,json
stage "production smoke"
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  node_modules/.bin/vitest run --project smoke --reporter=default --reporter=json --outputFile="$reports/smoke.json"
else
  echo "skipped: TEST_DATABASE_URL is not set (the standalone server runs on PostgreSQL, as in production; .ci/run sets it)."
fi
stage "soak (short)"
soak_status=0
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  # The last stage: its broken invariants still reach the summary below before the run fails.
  SOAK_REPORT="$reports/soak.json" node_modules/.bin/tsx scripts/soak/main.ts --profile short --reuse-build || soak_status=$?
  # A soak that stopped before its audit wrote no report: one failure.
  [ -f "$reports/soak.json" ] || echo '{"crashed":true,"invariants":[]}' > "$reports/soak.json"
else
  echo "note: TEST_DATABASE_URL is not set, so the soak is skipped (it runs on PostgreSQL only; see README: scripts/start-postgres.sh)."
  echo '{"skipped":true,"invariants":[]}' > "$reports/soak.json"
fi
node_modules/.bin/tsx scripts/test-summary.ts "$reports"
exit "$soak_status"
