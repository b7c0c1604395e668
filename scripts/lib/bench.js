'use strict';

/**
 * The three measurements of `npm run bench`: Generate Connect Link under Woodpecker's queue rule
 * in a real n8n, the node's own cost through n8n-core's engine, and the package's load time and
 * size. Each returns plain figures; scripts/bench.js formats them.
 */

const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');

const { startSandbox } = require('../../test/sandbox/server');
const n8n = require('./n8n');
const {
	HTTP_REQUEST_NODE,
	WOODPECKER_NODE,
	connectLinkWorkflow,
	headerAuthCredential,
	httpRequestWorkflow,
	woodpeckerCredential,
} = require('./workflows');

const execFileAsync = promisify(execFile);

/** Key of the sandbox's default seed. */
const API_KEY = 'sandbox-agency-key';
/** Service time and round trip of the sandbox in the run under Woodpecker's limit. */
const SERVICE_TIME_MS = 20;
const NETWORK_DELAY_MS = 10;
/** The highest rate the sandbox can serve: one request per service time. */
const CEILING_PER_SECOND = 1000 / SERVICE_TIME_MS;

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Builds rows of CRM-like input: company 123 of the sandbox's seed and its two accounts that always succeed. */
function benchRows(count) {
	return Array.from({ length: count }, (_, row) => ({ row, company_id: 123, account_id: 456 + (row % 2) }));
}

/**
 * Runs the same job of `items` items in a real n8n against the sandbox with the queue rule on.
 * Three settings run: the Woodpecker LinkedIn node one request at a time, the node with seven in
 * flight, and the HTTP Request node with its defaults. Each run gets a fresh sandbox. Every node
 * sends failed items to its error output, so that the run ends and the items can be counted.
 */
async function benchUnderLimit({ runtime, tarball, items, runs, log }) {
	const port = await n8n.freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const woodpecker = woodpeckerCredential('wpBenchCredent01', 'Woodpecker sandbox', API_KEY, baseUrl);
	const header = headerAuthCredential('wpBenchHeader001', 'Woodpecker x-api-key header', API_KEY);
	const rows = benchRows(items);
	const settings = [
		{
			name: 'Woodpecker LinkedIn, Parallel Requests 1 (default)',
			nodeName: WOODPECKER_NODE,
			workflow: connectLinkWorkflow({ id: 'wpBenchSequent01', name: 'Bench: node, one at a time', rows, onError: 'continueErrorOutput', credential: woodpecker }),
		},
		{
			name: 'Woodpecker LinkedIn, Parallel Requests 7',
			nodeName: WOODPECKER_NODE,
			workflow: connectLinkWorkflow({
				id: 'wpBenchParall001',
				name: 'Bench: node, seven in flight',
				rows,
				onError: 'continueErrorOutput',
				credential: woodpecker,
				options: { parallelRequests: 7 },
			}),
		},
		{
			name: 'HTTP Request (default options)',
			nodeName: HTTP_REQUEST_NODE,
			workflow: httpRequestWorkflow({ id: 'wpBenchHttpReq01', name: 'Bench: HTTP Request', rows, onError: 'continueErrorOutput', credential: header, baseUrl }),
		},
	];

	const userFolder = await n8n.createUserFolder(tarball);
	try {
		await n8n.importCredentials(runtime, userFolder, [woodpecker, header]);
		await n8n.importWorkflows(runtime, userFolder, settings.map((setting) => setting.workflow));
		const results = settings.map((setting) => ({ name: setting.name, runs: [] }));
		for (let run = 0; run < runs; run++) {
			for (const [index, setting] of settings.entries()) {
				log(`  run ${run + 1} of ${runs}: ${setting.name}`);
				results[index].runs.push(await runOnce(runtime, userFolder, setting, port, items));
			}
		}
		return results.map(({ name, runs: measured }) => summariseRuns(name, measured, items));
	} finally {
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

async function runOnce(runtime, userFolder, setting, port, items) {
	const sandbox = await startSandbox({
		port,
		concurrency: { enabled: true },
		serviceTimeMs: SERVICE_TIME_MS,
		networkDelayMs: NETWORK_DELAY_MS,
	});
	try {
		const result = await n8n.executeWorkflow(runtime, userFolder, setting.workflow.id);
		const task = result.run.data.resultData.runData[setting.nodeName]?.[0];
		if (task === undefined) throw new Error(`${setting.name}: the node did not run (exit ${result.code})`);
		const [success = [], errors = []] = n8n.nodeOutputs(result.run, setting.nodeName);
		const linked = success.filter((item) => typeof item.json.connect_account_link === 'string').length;
		if (linked + errors.length !== items) {
			throw new Error(`${setting.name}: ${linked} links and ${errors.length} errors for ${items} items`);
		}
		const { stats } = sandbox;
		const otherStatuses = Object.keys(stats.answered).filter((status) => status !== '201' && status !== '429');
		if (otherStatuses.length > 0) throw new Error(`${setting.name}: the sandbox responded with unexpected statuses ${otherStatuses.join(', ')}`);
		return {
			succeeded: linked,
			lost: errors.length,
			wallMs: task.executionTime,
			requests: stats.received,
			rejected: stats.rejectedByConcurrency,
			maxOpen: stats.maxOpen,
		};
	} finally {
		await sandbox.close();
	}
}

/**
 * Sums up the runs of one setting. Times and rates are medians. The counts all come from the run
 * with the fewest successes, so that no loss is hidden and the counts agree with each other.
 */
function summariseRuns(name, runs, items) {
	const worst = runs.reduce((fewest, run) => (run.succeeded < fewest.succeeded ? run : fewest));
	const perSecond = median(runs.map((run) => (run.succeeded * 1000) / run.wallMs));
	return {
		name,
		items,
		succeeded: worst.succeeded,
		lost: worst.lost,
		wallMs: median(runs.map((run) => run.wallMs)),
		perSecond,
		ofCeiling: perSecond / CEILING_PER_SECOND,
		requests: worst.requests,
		rejected: worst.rejected,
		maxOpen: worst.maxOpen,
		runs,
	};
}

/** Starts the sandbox's command line in a process of its own and resolves with its URL. */
function startSandboxProcess(nodeBin) {
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBin, [path.join(n8n.ROOT, 'test', 'sandbox', 'server.js')], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let output = '';
		child.on('error', reject);
		child.on('exit', (code) => reject(new Error(`The sandbox exited with ${code} before it listened`)));
		child.stdout.on('data', (chunk) => {
			output += chunk;
			const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
			if (line === undefined) return;
			const { url } = JSON.parse(line);
			resolve({
				url,
				stop: () =>
					new Promise((done) => {
						child.removeAllListeners('exit');
						child.once('exit', () => done());
						child.kill('SIGTERM');
					}),
			});
		});
	});
}

/**
 * Compiles the engine benchmark with the project's TypeScript settings and runs it with the Node.js
 * that the pinned n8n uses, against the sandbox in another process, so that the CPU time counted
 * is the client's alone.
 */
async function benchEngine({ runtime, items, runs, memoryItems }) {
	const outDir = path.join(n8n.ROOT, '.cache', 'bench', 'build');
	fs.rmSync(outDir, { recursive: true, force: true });
	await execFileAsync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', outDir], {
		cwd: n8n.ROOT,
	});
	const sandbox = await startSandboxProcess(runtime.nodeBin);
	try {
		const settings = {
			baseUrl: sandbox.url,
			apiKey: API_KEY,
			items,
			runs,
			memoryItems,
			httpRequestNode: path.join(runtime.n8nDir, 'node_modules', 'n8n-nodes-base', 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js'),
		};
		const { stdout } = await execFileAsync(
			runtime.nodeBin,
			['--expose-gc', path.join(outDir, 'test', 'bench', 'engine-cost.js'), JSON.stringify(settings)],
			{ cwd: n8n.ROOT, maxBuffer: 16 * 1024 * 1024 },
		);
		const measured = JSON.parse(stdout.trim().split('\n').pop());
		for (const variant of measured.variants) {
			variant.wallMsPerItem = median(variant.wallMs);
			variant.cpuMsPerItem = median(variant.cpuMs);
		}
		return measured;
	} finally {
		await sandbox.stop();
	}
}

/**
 * Time to load every built node and credential module that package.json lists for n8n. Each
 * run is a fresh Node.js process with n8n-workflow already loaded, as it is in n8n. Returns the
 * median of `runs` processes.
 */
async function benchLoad({ runtime, runs }) {
	const { n8n: manifest } = JSON.parse(fs.readFileSync(path.join(n8n.ROOT, 'package.json'), 'utf8'));
	const modules = [...manifest.nodes, ...manifest.credentials].map((file) => `./${file}`);
	const script = `
		require('n8n-workflow');
		const start = process.hrtime.bigint();
		for (const file of ${JSON.stringify(modules)}) require(file);
		process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));
	`;
	const times = [];
	for (let run = 0; run < runs; run++) {
		const { stdout } = await execFileAsync(runtime.nodeBin, ['-e', script], { cwd: n8n.ROOT });
		times.push(Number(stdout));
	}
	return { medianMs: median(times), times, modules: modules.length };
}

/** Size of the packed tarball and of what it unpacks to, from `npm pack --dry-run`. */
async function benchSize() {
	const { stdout } = await execFileAsync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: n8n.ROOT });
	const [packed] = JSON.parse(stdout);
	return { bytes: packed.size, unpackedBytes: packed.unpackedSize, files: packed.entryCount };
}

module.exports = { CEILING_PER_SECOND, NETWORK_DELAY_MS, SERVICE_TIME_MS, benchEngine, benchLoad, benchSize, benchUnderLimit };
