#!/usr/bin/env bash
# Runs every test layer in order: lint, type check, unit and workflow tests (Jest), then the
# checks of the packed package and the end-to-end suite in a real n8n. Ends with one line that
# counts the tests of both runners.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p .cache
jest_results=.cache/jest-results.json
e2e_results=.cache/e2e-results.tap
rm -f "$jest_results" "$e2e_results"

npm run --silent lint
npm run --silent typecheck
npx jest --json --outputFile="$jest_results"
npm run --silent build >/dev/null
node --test --test-reporter=spec --test-reporter-destination=stdout \
	--test-reporter=tap --test-reporter-destination="$e2e_results" test/package/ test/e2e/

node -e '
const fs = require("node:fs");
const jest = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const tap = fs.readFileSync(process.argv[2], "utf8");
const count = (name) => Number((new RegExp(`^# ${name} (\\d+)$`, "m").exec(tap) || [])[1] || 0);
const passed = jest.numPassedTests + count("pass");
const failed = jest.numFailedTests + count("fail");
console.log(`\nall layers: ${passed} passed, ${failed} failed`);
' "$jest_results" "$e2e_results"
