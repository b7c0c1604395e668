'use strict';

/**
 * Smaller versions of the fault run (`npm run fault-run`) in a real n8n: transient faults and
 * Woodpecker's queue rule, first in one execution, then in two executions that share the API key.
 */

const assert = require('node:assert/strict');
const { before, describe, test } = require('node:test');

const n8n = require('../../scripts/lib/n8n');
const { formatFaultRun, runFaultRun } = require('../../scripts/lib/fault-run');

describe('fault run in a real n8n', () => {
	let runtime;

	before(async () => {
		runtime = await n8n.provisionN8n();
	});

	test('every item out once with faults', async () => {
		const result = await runFaultRun({ runtime, items: 100, executions: 1, seed: 11 });
		console.log(formatFaultRun(result));

		assert.deepEqual(result.problems, []);
		assert.ok(result.counts.faultsInjected > 0, 'no fault was injected');
		assert.equal(result.counts.succeeded + result.counts.failedAsExpected, 100);
	});

	test('two executions share one key', async () => {
		const result = await runFaultRun({ runtime, items: 120, executions: 2, seed: 12 });
		console.log(formatFaultRun(result));

		assert.deepEqual(result.problems, []);
		assert.equal(result.counts.succeeded + result.counts.failedAsExpected, 120);
		assert.ok(result.counts.neighbourRequests > 0, 'the neighbouring load sent nothing');
	});
});
