'use strict';

/**
 * Runs an example workflow in a real n8n and prints the items of both outputs of the
 * Woodpecker LinkedIn node: a Manual Trigger, a few CRM-like rows, and Generate Connect Link
 * with its error output in use.
 *
 * By default it calls the local Woodpecker sandbox. With WOODPECKER_API_KEY,
 * WOODPECKER_COMPANY_ID and WOODPECKER_ACCOUNT_ID set, it calls the real Woodpecker API
 * (or WOODPECKER_BASE_URL) for that account instead.
 */

const fs = require('node:fs');
const path = require('node:path');

const { startSandbox } = require('../test/sandbox/server');
const n8n = require('./lib/n8n');
const { WOODPECKER_NODE, connectLinkWorkflow, woodpeckerCredential } = require('./lib/workflows');

const SANDBOX_ROWS = [
	{ deal: 'Northwind Traders onboarding', company_id: 123, account_id: 456 },
	{ deal: 'Fabrikam Analytics renewal', company_id: '124', account_id: ' 460 ' },
	{ deal: 'Northwind typo in account', company_id: 123, account_id: 999 },
	{ deal: 'Tailspin Toys (inactive client)', company_id: 125, account_id: 470 },
	{ deal: 'Row with no company', company_id: '', account_id: 457 },
];

function liveSettings() {
	const { WOODPECKER_API_KEY, WOODPECKER_COMPANY_ID, WOODPECKER_ACCOUNT_ID, WOODPECKER_BASE_URL } = process.env;
	if (!WOODPECKER_API_KEY) return undefined;
	if (!WOODPECKER_COMPANY_ID || !WOODPECKER_ACCOUNT_ID) {
		throw new Error('Set WOODPECKER_COMPANY_ID and WOODPECKER_ACCOUNT_ID together with WOODPECKER_API_KEY.');
	}
	return {
		apiKey: WOODPECKER_API_KEY,
		baseUrl: WOODPECKER_BASE_URL || 'https://api.woodpecker.co',
		rows: [
			{ deal: 'Your account', company_id: WOODPECKER_COMPANY_ID, account_id: WOODPECKER_ACCOUNT_ID },
			// Fails validation in the node, so it shows the error output without another API call.
			{ deal: 'Row with no company', company_id: '', account_id: WOODPECKER_ACCOUNT_ID },
		],
	};
}

function printItems(title, items) {
	console.log(`\n${title} (${items.length} ${items.length === 1 ? 'item' : 'items'}):`);
	for (const item of items) {
		console.log(`- input item ${item.pairedItem?.item}:`);
		console.log(JSON.stringify(item.json, null, 2).replace(/^/gm, '    '));
	}
}

async function main() {
	const live = liveSettings();
	console.log('Preparing n8n (the first run installs Node.js 24 and n8n into .cache/, a few minutes)...');
	const runtime = await n8n.provisionN8n();
	const sandbox = live ? undefined : await startSandbox();
	const tarball = await n8n.packPackage();
	const userFolder = await n8n.createUserFolder(tarball);

	try {
		const credential = live
			? woodpeckerCredential('wpDemoCredential1', 'Woodpecker API', live.apiKey, live.baseUrl)
			: woodpeckerCredential('wpDemoCredential1', 'Woodpecker sandbox', 'sandbox-agency-key', sandbox.url);
		const workflow = connectLinkWorkflow({
			id: 'wpDemoConnectLink',
			name: 'Generate connect links for onboarding deals',
			rows: live ? live.rows : SANDBOX_ROWS,
			onError: 'continueErrorOutput',
			credential,
		});
		await n8n.importCredentials(runtime, userFolder, [credential]);
		await n8n.importWorkflows(runtime, userFolder, [workflow]);

		const target = live ? `the Woodpecker API at ${live.baseUrl}` : `the local Woodpecker sandbox at ${sandbox.url}`;
		console.log(`Running "${workflow.name}" in n8n ${runtime.version} against ${target}...`);
		const result = await n8n.executeWorkflow(runtime, userFolder, workflow.id);
		const [success = [], errors = []] = n8n.nodeOutputs(result.run, WOODPECKER_NODE);

		printItems('Success output: connect links to send', success);
		printItems('Error output: items that need attention', errors);
		if (result.code !== 0) {
			console.log(`\nThe execution failed: ${result.run.data.resultData.error?.message}`);
			process.exitCode = 1;
		}
	} finally {
		await sandbox?.close();
		fs.rmSync(userFolder, { recursive: true, force: true });
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
