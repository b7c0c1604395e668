'use strict';

/**
 * Recreates the README's pictures of the node in the real n8n editor: the parameter panel of
 * Woodpecker LinkedIn, and a workflow after a run with items on its success and error outputs.
 * Run by hand (not in CI): it needs Debian's Chromium (`apt-get install chromium`) and writes
 * docs/images/*.png. Everything runs on 127.0.0.1.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { chromium } = require('playwright-core');

const { startSandbox } = require('../test/sandbox/server');
const n8n = require('./lib/n8n');
const { connectLinkWorkflow, woodpeckerCredential } = require('./lib/workflows');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const OUTPUT = path.join(n8n.ROOT, 'docs', 'images');
const WORKFLOW_ID = 'wpScreenshotFlow01';
const ROWS = [
	{ deal: 'Northwind Traders onboarding', company_id: 123, account_id: 456 },
	{ deal: 'Fabrikam Analytics renewal', company_id: 124, account_id: 460 },
	{ deal: 'Northwind typo in account', company_id: 123, account_id: 999 },
	{ deal: 'Row with no company', company_id: '', account_id: 457 },
];

async function main() {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run apt-get install chromium, or set CHROMIUM_PATH`);
	fs.mkdirSync(OUTPUT, { recursive: true });

	const runtime = await n8n.provisionN8n();
	const tarball = await n8n.packPackage();
	const userFolder = await n8n.createUserFolder(tarball);
	const sandbox = await startSandbox();
	let server;
	let browser;
	try {
		const credential = woodpeckerCredential('wpShotSandboxCred', 'Woodpecker sandbox', 'sandbox-agency-key', sandbox.url);
		await n8n.importCredentials(runtime, userFolder, [credential]);
		const workflow = connectLinkWorkflow({
			id: WORKFLOW_ID,
			name: 'Send connect links for onboarding deals',
			rows: ROWS,
			onError: 'continueErrorOutput',
			credential,
		});
		// The IDs come from each CRM row, as in a real workflow.
		const woodpecker = workflow.nodes.find((node) => node.type === n8n.NODE_TYPE);
		woodpecker.parameters.companyId = { __rl: true, mode: 'id', value: '={{ $json.company_id }}' };
		woodpecker.parameters.accountId = { __rl: true, mode: 'id', value: '={{ $json.account_id }}' };
		await n8n.importWorkflows(runtime, userFolder, [workflow]);

		server = await n8n.startN8nServer(runtime, userFolder);
		const cookie = await n8n.setUpOwner(server.url);
		const [name, value] = cookie.split('=');

		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		const context = await browser.newContext({ viewport: { width: 1400, height: 820 }, deviceScaleFactor: 1 });
		await context.addCookies([{ name, value, url: server.url }]);
		const page = await context.newPage();

		await page.goto(`${server.url}/workflow/${WORKFLOW_ID}`);
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
		await page.waitForTimeout(2_000);
		await page.locator('[data-test-id="execute-workflow-button"]').click({ timeout: 10_000 });
		await page.waitForTimeout(6_000);
		await page.screenshot({ path: path.join(OUTPUT, 'workflow-after-run.png') });

		await page.locator('[data-test-id="canvas-node"]', { hasText: 'Woodpecker LinkedIn' }).first().dblclick();
		await page.waitForTimeout(3_000);
		await page.screenshot({ path: path.join(OUTPUT, 'parameter-panel.png') });
		console.log(`Wrote ${OUTPUT}/workflow-after-run.png and parameter-panel.png`);
	} finally {
		await browser?.close();
		await server?.stop();
		await sandbox.close();
		fs.rmSync(userFolder, { recursive: true, force: true });
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
