'use strict';

/**
 * Starts the real n8n editor on 127.0.0.1 with this package installed, the local Woodpecker
 * sandbox running and a "Woodpecker sandbox" credential already created, so that the node can be
 * dragged into a workflow at once. The n8n user folder lives in .cache/dev-n8n and keeps its
 * workflows between runs; each run installs the current build. Ctrl+C stops n8n and the sandbox.
 *
 * Environment: N8N_DEV_PORT (default 5678), SANDBOX_PORT (default 8788).
 */

const fs = require('node:fs');
const path = require('node:path');

const { startSandbox } = require('../test/sandbox/server');
const n8n = require('./lib/n8n');
const { woodpeckerCredential } = require('./lib/workflows');

const OWNER_EMAIL = 'owner@example.com';
const OWNER_PASSWORD = 'Woodpecker-dev-1';

async function main() {
	const n8nPort = Number(process.env.N8N_DEV_PORT || 5678);
	const sandboxPort = Number(process.env.SANDBOX_PORT || 8788);
	const userFolder = path.join(n8n.ROOT, '.cache', 'dev-n8n');
	fs.mkdirSync(userFolder, { recursive: true });

	console.log('Preparing n8n (the first run installs Node.js 24 and n8n into .cache/, a few minutes)...');
	const runtime = await n8n.provisionN8n();
	const tarball = await n8n.packPackage();
	await n8n.installPackage(userFolder, tarball);
	fs.rmSync(path.dirname(tarball), { recursive: true, force: true });

	const sandbox = await startSandbox({ port: sandboxPort });
	// Importing again with the same id updates the credential, so its URL follows the sandbox port.
	await n8n.importCredentials(runtime, userFolder, [
		woodpeckerCredential('wpDevSandboxCred1', 'Woodpecker sandbox', 'sandbox-agency-key', sandbox.url),
	]);

	const server = await n8n.startN8nServer(runtime, userFolder, { port: n8nPort });
	try {
		await n8n.setUpOwner(server.url, { email: OWNER_EMAIL, password: OWNER_PASSWORD, timeoutMs: 5_000 });
	} catch {
		// The owner exists from an earlier run.
	}

	console.log(`
n8n editor:       ${server.url}  (log in as ${OWNER_EMAIL} / ${OWNER_PASSWORD})
Woodpecker sandbox: ${sandbox.url}  (credential "Woodpecker sandbox", key sandbox-agency-key)
Add the "Woodpecker LinkedIn" node to a workflow; companies 123, 124 and 125 and their accounts
come from test/sandbox/seed.json. Press Ctrl+C to stop.`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the sandbox...');
		await server.stop();
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
