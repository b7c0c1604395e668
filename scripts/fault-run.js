'use strict';

/**
 * Runs the fault run in a real n8n and prints its counts: by default 1,000 items against the
 * sandbox with Woodpecker's queue rule on, neighbouring load on the same key, and transient
 * faults in about a fifth of the accounts. Exits with 1 when an item was lost, duplicated or
 * came out on the wrong output.
 *
 * Usage: npm run fault-run -- [--items N] [--executions N] [--seed N]
 */

const { parseArgs } = require('node:util');

const n8n = require('./lib/n8n');
const { formatFaultRun, runFaultRun } = require('./lib/fault-run');

async function main() {
	const { values } = parseArgs({
		options: {
			items: { type: 'string', default: '1000' },
			executions: { type: 'string', default: '1' },
			seed: { type: 'string', default: '7' },
		},
	});
	const items = Number(values.items);
	const executions = Number(values.executions);
	const seed = Number(values.seed);
	for (const [name, value] of Object.entries({ items, executions, seed })) {
		if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of 1 or more, got ${values[name]}`);
	}

	const runtime = await n8n.provisionN8n();
	console.log(`Fault run: ${items} items, ${executions} execution(s) at once, seed ${seed}, n8n ${runtime.version}...`);
	const result = await runFaultRun({ runtime, items, executions, seed });
	console.log(formatFaultRun(result));
	if (result.problems.length > 0) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
