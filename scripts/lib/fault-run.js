'use strict';

/**
 * The fault run: many items through Generate Connect Link in a real n8n, against the sandbox with
 * Woodpecker's per-key concurrency rule on and transient faults injected into about a fifth of
 * the accounts. It checks that every item comes out exactly once, on the right output, that every
 * item whose faults were transient succeeds, and that no link comes out twice.
 */

const fs = require('node:fs');
const path = require('node:path');

const { createRandomGenerator, startSandbox } = require('../../test/sandbox/server');
const n8n = require('./n8n');
const { WOODPECKER_NODE, connectLinkWorkflow, woodpeckerCredential } = require('./workflows');

const API_KEY = 'fault-run-agency-key';
const COMPANY_ID = 123;
const FIRST_ACCOUNT_ID = 100_001;
/** Account that the neighbouring load uses, so that its requests are kept apart from the run's. */
const NEIGHBOUR_ACCOUNT_ID = 99_999;

/** Faults that pass, so the node must get past them with retries. */
const TRANSIENT_FAULTS = ['429', '429-retry-after-seconds', '500', '502', '503', '504', 'reset', 'hang', 'slow'];

/**
 * Plans the rows of each execution and the sandbox seed. Each row is one of: a clean account, an
 * account with one or two transient faults, an account of another company (Woodpecker returns
 * 400), or an invalid ID (no request is sent).
 */
function planRun({ items, executions, transientRate, permanentRate, seed }) {
	const random = createRandomGenerator(seed);
	const accounts = [];
	const rows = Array.from({ length: executions }, () => []);
	const expected = new Map();

	for (let index = 0; index < items; index++) {
		const execution = index % executions;
		const accountId = FIRST_ACCOUNT_ID + index;
		const roll = random();
		let kind = 'clean';
		if (roll < permanentRate / 2) kind = 'invalid-id';
		else if (roll < permanentRate) kind = 'foreign-account';
		else if (roll < permanentRate + transientRate) kind = 'transient';

		const faults = [];
		if (kind === 'transient') {
			const count = random() < 0.7 ? 1 : 2;
			for (let i = 0; i < count; i++) faults.push(TRANSIENT_FAULTS[Math.floor(random() * TRANSIENT_FAULTS.length)]);
		}
		if (index === 0) {
			accounts.push({
				id: NEIGHBOUR_ACCOUNT_ID,
				full_name: 'Neighbouring workflow',
				username: null,
				session_status: 'CONNECTED',
				level: 'CLASSIC',
				linkedin_url: 'https://www.linkedin.com/in/neighbour',
			});
		}
		if (kind !== 'foreign-account' && kind !== 'invalid-id') {
			accounts.push({
				id: accountId,
				full_name: `Account ${accountId}`,
				username: null,
				session_status: 'DISCONNECTED',
				level: 'CLASSIC',
				linkedin_url: `https://www.linkedin.com/in/account-${accountId}`,
				...(faults.length > 0 ? { faults } : {}),
			});
		}
		const row = { row: index, company_id: COMPANY_ID, account_id: kind === 'invalid-id' ? `${accountId}/x` : accountId };
		const itemIndex = rows[execution].length;
		rows[execution].push(row);
		expected.set(`${execution}:${itemIndex}`, { kind, accountId, faults });
	}

	const sandboxSeed = {
		apiKeys: [API_KEY],
		companies: [
			{
				id: COMPANY_ID,
				name: 'Fault Run Ltd',
				owner: 'ops@fault-run.example',
				active: true,
				running_campaigns: 1,
				email_slots: 1,
				linkedin_slots: items,
				linkedin_accounts: accounts,
			},
		],
	};
	return { rows, expected, sandboxSeed };
}

/**
 * Runs the fault run and returns its counts and any problems found. `executions` workflows run
 * at the same time in separate n8n processes, with the same API key, as separate n8n instances
 * of one agency would.
 */
async function runFaultRun({
	runtime,
	items = 1000,
	executions = 1,
	neighbourBurst = 8,
	transientRate = 0.2,
	permanentRate = 0.02,
	seed = 7,
	nodeOptions = { timeout: 3000 },
	sandboxOptions = { serviceTimeMs: { min: 2, max: 10 }, networkDelayMs: 4 },
}) {
	const plan = planRun({ items, executions, transientRate, permanentRate, seed });
	const sandbox = await startSandbox({
		seed: plan.sandboxSeed,
		concurrency: { enabled: true },
		...sandboxOptions,
	});
	const tarball = await n8n.packPackage();
	const userFolders = [];
	try {
		const credential = woodpeckerCredential('wpFaultRunCred01', 'Woodpecker sandbox', API_KEY, sandbox.url);
		const workflows = plan.rows.map((rows, execution) =>
			connectLinkWorkflow({
				id: `wpFaultRun${execution}`,
				name: `Fault run ${execution}`,
				rows,
				onError: 'continueErrorOutput',
				credential,
				options: nodeOptions,
			}),
		);
		// One user folder per n8n process: n8n must not share one between two processes.
		for (const workflow of workflows) {
			const userFolder = await n8n.createUserFolder(tarball);
			userFolders.push(userFolder);
			await n8n.importCredentials(runtime, userFolder, [credential]);
			await n8n.importWorkflows(runtime, userFolder, [workflow]);
		}

		const started = Date.now();
		const neighbour = startNeighbourLoad(sandbox.url, neighbourBurst);
		let results;
		try {
			results = await Promise.all(
				workflows.map((workflow, execution) => n8n.executeWorkflow(runtime, userFolders[execution], workflow.id)),
			);
		} finally {
			await neighbour.stop();
		}
		const wallMs = Date.now() - started;

		const checked = checkRun(plan, results, sandbox);
		checked.counts.neighbourRequests = neighbour.sent();
		return { ...checked, wallMs, items, executions };
	} finally {
		await sandbox.close();
		for (const folder of [...userFolders, path.dirname(tarball)]) fs.rmSync(folder, { recursive: true, force: true });
	}
}

/**
 * Sends bursts of `burst` parallel requests with the same API key, as other workflows of the
 * agency would, so that Woodpecker's queue fills up and rejects some of the run's requests.
 * It stops when `stop()` is called, or after 15 minutes at the latest.
 */
function startNeighbourLoad(baseUrl, burst) {
	let running = burst > 0;
	let sent = 0;
	const deadline = Date.now() + 15 * 60 * 1000;
	const url = `${baseUrl}/rest/v2/agency/companies/${COMPANY_ID}/linkedin_accounts/${NEIGHBOUR_ACCOUNT_ID}/generate-connect-link`;
	const loop = (async () => {
		while (running && Date.now() < deadline) {
			const requests = Array.from({ length: burst }, () =>
				fetch(url, { method: 'POST', headers: { 'x-api-key': API_KEY } })
					.then((response) => response.arrayBuffer())
					.catch(() => undefined),
			);
			sent += burst;
			await Promise.all(requests);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	})();
	return {
		sent: () => sent,
		async stop() {
			running = false;
			await loop;
		},
	};
}

/** Compares what came out of each execution with the plan, item by item. */
function checkRun(plan, results, sandbox) {
	const problems = [];
	const counts = { succeeded: 0, failedAsExpected: 0, transientAccounts: 0, faultsInjected: 0 };

	results.forEach((result, execution) => {
		if (result.code !== 0) problems.push(`execution ${execution} exited with ${result.code}`);
		const [success = [], errors = []] = n8n.nodeOutputs(result.run, WOODPECKER_NODE);
		const seen = new Map();
		for (const [output, items] of [
			['success', success],
			['error', errors],
		]) {
			for (const item of items) {
				const index = item.pairedItem?.item;
				if (typeof index !== 'number') {
					problems.push(`execution ${execution}: an item on the ${output} output has no pairedItem`);
					continue;
				}
				if (seen.has(index)) problems.push(`execution ${execution}: item ${index} came out more than once`);
				seen.set(index, { output, item });
			}
		}
		for (const [key, planned] of plan.expected) {
			const [plannedExecution, plannedIndex] = key.split(':').map(Number);
			if (plannedExecution !== execution) continue;
			const outcome = seen.get(plannedIndex);
			if (outcome === undefined) {
				problems.push(`execution ${execution}: item ${plannedIndex} is missing`);
				continue;
			}
			const shouldSucceed = planned.kind === 'clean' || planned.kind === 'transient';
			if (planned.kind === 'transient') {
				counts.transientAccounts++;
				counts.faultsInjected += planned.faults.length;
			}
			if (shouldSucceed && outcome.output !== 'success') {
				problems.push(`execution ${execution}: item ${plannedIndex} (${planned.kind} ${planned.faults.join(',')}) failed: ${outcome.item.json.error?.message}`);
			} else if (!shouldSucceed && outcome.output !== 'error') {
				problems.push(`execution ${execution}: item ${plannedIndex} (${planned.kind}) should have failed`);
			} else if (shouldSucceed && outcome.item.json.account_id !== planned.accountId) {
				problems.push(`execution ${execution}: item ${plannedIndex} got the link of account ${outcome.item.json.account_id}`);
			} else if (shouldSucceed) {
				counts.succeeded++;
			} else {
				counts.failedAsExpected++;
			}
		}
	});

	// No link may come out twice, and every link that came out must be one the sandbox issued.
	// A request that timed out while Woodpecker still worked on it leaves a link that no item
	// received. Those are counted, not treated as problems, because a client cannot prevent them.
	const delivered = new Set();
	for (const result of results) {
		for (const item of n8n.nodeOutputs(result.run, WOODPECKER_NODE)[0] ?? []) {
			const link = item.json.connect_account_link;
			if (delivered.has(link)) problems.push(`link of account ${item.json.account_id} came out twice`);
			delivered.add(link);
		}
	}
	const runRequests = sandbox.requests.filter((request) => !request.path.includes(`/linkedin_accounts/${NEIGHBOUR_ACCOUNT_ID}/`));
	const issued = runRequests.filter((request) => request.status === 201 && request.fault !== 'no-link-201');
	counts.linksIssued = issued.length;
	counts.linksNotDelivered = issued.length - delivered.size;

	const statuses = {};
	for (const request of runRequests) {
		const key = request.status === null ? `no answer (${request.fault})` : String(request.status);
		statuses[key] = (statuses[key] ?? 0) + 1;
	}
	return {
		problems,
		counts: {
			...counts,
			requests: runRequests.length,
			statuses,
			rejectedByQueue: runRequests.filter((request) => request.status === 429 && request.fault === null).length,
		},
	};
}

/** Formats the result of a fault run for people. */
function formatFaultRun(result) {
	const { counts } = result;
	const lines = [
		`items: ${result.items} in ${result.executions} execution(s), wall time ${(result.wallMs / 1000).toFixed(1)} s`,
		`succeeded: ${counts.succeeded}, failed as planned (invalid ID or foreign account): ${counts.failedAsExpected}`,
		`accounts with transient faults: ${counts.transientAccounts}, faults injected: ${counts.faultsInjected}`,
		`requests of the run: ${counts.requests}, rejected by the queue rule: ${counts.rejectedByQueue} (neighbouring requests sent meanwhile: ${counts.neighbourRequests})`,
		`links issued: ${counts.linksIssued}, of which never delivered because the client had timed out: ${counts.linksNotDelivered}`,
		`answers by status: ${JSON.stringify(counts.statuses)}`,
		result.problems.length === 0 ? 'problems: none' : `problems (${result.problems.length}):\n  ${result.problems.join('\n  ')}`,
	];
	return lines.join('\n');
}

module.exports = { formatFaultRun, planRun, runFaultRun };
