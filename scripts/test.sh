#!/usr/bin/env bash
# Runs every test layer in order: lint, type check, unit and workflow tests (Jest), then the
# checks of the packed package and the end-to-end suite in a real n8n 2.x, then in n8n 1.x.
# Ends with one line that counts the tests of both runners.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p .cache
jest_results=.cache/jest-results.json
e2e_results=.cache/e2e-results.tap
e2e_v1_results=.cache/e2e-n8n1-results.tap
rm -f "$jest_results" "$e2e_results" "$e2e_v1_results"

npm run --silent lint
npm run --silent typecheck
npx jest --json --outputFile="$jest_results"
npm run --silent build >/dev/null
node --test --test-reporter=spec --test-reporter-destination=stdout \
	--test-reporter=tap --test-reporter-destination="$e2e_results" test/package/ test/e2e/ test/bench/

# The last n8n 1.x line, on Node.js 22: the same end-to-end suite.
N8N_VERSION=1.123.81 node --test --test-reporter=spec --test-reporter-destination=stdout \
	--test-reporter=tap --test-reporter-destination="$e2e_v1_results" test/e2e/

node -e '
const fs = require("node:fs");
const jest = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const taps = process.argv.slice(2).map((file) => fs.readFileSync(file, "utf8"));
const count = (name) =>
	taps.reduce((sum, tap) => sum + Number((new RegExp(`^# ${name} (\\d+)$`, "m").exec(tap) || [])[1] || 0), 0);
const passed = jest.numPassedTests + count("pass");
const failed = jest.numFailedTests + count("fail");
console.log(`\nall layers: ${passed} passed, ${failed} failed`);
' "$jest_results" "$e2e_results" "$e2e_v1_results"
