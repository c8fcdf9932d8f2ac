#!/usr/bin/env bash
# Builds the app and runs Playwright against `next start` with fresh embedded data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
rm -rf .data/e2e
node_modules/.bin/next build
node_modules/.bin/playwright test "$@"
