'use strict';

/**
 * Starts the real n8n editor on 127.0.0.1 with this package installed, the local Woodpecker
 * sandbox running and a "Woodpecker sandbox" credential already created, so that the node can be
 * dragged into a workflow at once. The n8n user folder lives in .cache/dev-n8n and keeps its
 * workflows between runs; each run installs the current build. n8n's log goes to
 * .cache/dev-n8n/n8n.log. Ctrl+C (or SIGTERM or SIGHUP) stops n8n and the sandbox.
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

/** Checks whether something already serves HTTP on the port, such as an n8n left from an earlier run. */
async function isPortServing(port) {
	try {
		await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
		return true;
	} catch {
		return false;
	}
}

async function main() {
	const n8nPort = Number(process.env.N8N_DEV_PORT || 5678);
	const sandboxPort = Number(process.env.SANDBOX_PORT || 8788);
	if (await isPortServing(n8nPort)) {
		throw new Error(`Something already responds on 127.0.0.1:${n8nPort}, perhaps an n8n from an earlier run. Stop it, or set N8N_DEV_PORT.`);
	}
	if (await isPortServing(sandboxPort)) {
		throw new Error(`Something already responds on 127.0.0.1:${sandboxPort}, perhaps a sandbox from an earlier run. Stop it, or set SANDBOX_PORT.`);
	}
	const userFolder = path.join(n8n.ROOT, '.cache', 'dev-n8n');
	fs.mkdirSync(userFolder, { recursive: true });

	console.log('Preparing n8n (the first run installs Node.js 24 and n8n into .cache/, a few minutes)...');
	const runtime = await n8n.provisionN8n();
	const tarball = await n8n.packPackage();
	await n8n.installPackage(userFolder, tarball);
	fs.rmSync(path.dirname(tarball), { recursive: true, force: true });

	const sandbox = await startSandbox({ port: sandboxPort });
	let server;
	// n8n runs in its own process group, so it is stopped here however this script ends.
	process.on('exit', () => {
		if (server?.pid) {
			try {
				process.kill(-server.pid, 'SIGTERM');
			} catch {
				// Already stopped.
			}
		}
	});
	let stopping = false;
	const stop = async (code) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the sandbox...');
		await server?.stop();
		await sandbox.close();
		process.exit(code);
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(0));

	try {
		// Importing again with the same id updates the credential, so its URL follows the sandbox port.
		await n8n.importCredentials(runtime, userFolder, [
			woodpeckerCredential('wpDevSandboxCred1', 'Woodpecker sandbox', 'sandbox-agency-key', sandbox.url),
		]);
		server = await n8n.startN8nServer(runtime, userFolder, { port: n8nPort, logFile: path.join(userFolder, 'n8n.log') });
		try {
			await n8n.setUpOwner(server.url, { email: OWNER_EMAIL, password: OWNER_PASSWORD, timeoutMs: 5_000 });
		} catch {
			console.log('The owner exists from an earlier run; the login below still applies unless you changed it.');
		}
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		await stop(1);
		return;
	}

	console.log(`
n8n editor:         ${server.url}  (log in as ${OWNER_EMAIL} / ${OWNER_PASSWORD})
Woodpecker sandbox: ${sandbox.url}  (credential "Woodpecker sandbox", key sandbox-agency-key)
n8n's log:          ${path.join(userFolder, 'n8n.log')}
Add the "Woodpecker LinkedIn" node to a workflow; companies 123, 124 and 125 and their accounts
come from test/sandbox/seed.json. To try "Woodpecker LinkedIn Trigger", publish a workflow with it,
then make the sandbox deliver an event to it:
  curl -X POST ${sandbox.url}/__sandbox/webhooks/deliver -H 'Content-Type: application/json' \\
    -d '{"event": "linkedin_automation_account_disconnected", "account_id": 456}'
Press Ctrl+C to stop.`);
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
