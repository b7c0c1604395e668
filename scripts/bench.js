'use strict';

/**
 * Benchmarks the Woodpecker LinkedIn node against n8n's HTTP Request node and Woodpecker's limit,
 * prints the figures and writes them, with the command and the machine, to docs/benchmarks.md.
 * Everything runs on 127.0.0.1 against the local sandbox. It takes about five minutes.
 *
 * Usage: npm run bench -- [--runs N] [--items N] [--engine-items N] [--memory-items N] [--out FILE]
 * --runs: runs of each setting in the real n8n (default 3; the engine runs at least 5 times).
 * --items: items in the real n8n (default 1000). --engine-items: items per engine run (2000).
 * --memory-items: items of the memory run (10000). --out: the page to write (docs/benchmarks.md).
 */

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs, promisify } = require('node:util');

const bench = require('./lib/bench');
const n8n = require('./lib/n8n');

const GOALS = {
	underLimit: 0.9,
	costRatio: 1.2,
	memoryMb: 50,
	loadMs: 20,
};

const log = (line) => process.stderr.write(`${line}\n`);
const ms = (value, digits = 2) => `${value.toFixed(digits)} ms`;
const percent = (value) => `${(value * 100).toFixed(0)}%`;
const mb = (value) => `${value.toFixed(1)} MB`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const verdict = (met) => (met ? 'met' : '**missed**');

function table(header, rows) {
	return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function machine(runtime) {
	const cpus = os.cpus();
	return [
		`- CPU: ${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
		`- Memory: ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`,
		`- System: ${os.type()} ${os.release()} (${os.arch()})`,
		`- n8n ${runtime.version} on Node.js ${runtime.nodeVersion}; this script on Node.js ${process.versions.node}`,
	].join('\n');
}

function underLimitSection(results, items, runs) {
	const rows = results.map((result) => [
		result.name,
		`${result.succeeded} of ${result.items}`,
		String(result.lost),
		`${(result.wallMs / 1000).toFixed(1)} s`,
		result.perSecond.toFixed(1),
		percent(result.ofCeiling),
		`${result.requests} / ${result.rejected} / ${result.maxOpen}`,
	]);
	const best = results.find((result) => result.name.includes('Parallel Requests 7'));
	const met = best.succeeded === items && best.ofCeiling >= GOALS.underLimit;
	return {
		met,
		text: [
			'## 1. Under Woodpecker\'s limit, in the real n8n',
			'',
			`${items} items through \`n8n execute\`, against the sandbox with its queue rule on (one request in progress per key, six waiting, any more rejected with 429), ` +
				`a service time of ${bench.SERVICE_TIME_MS} ms and a simulated round trip of ${bench.NETWORK_DELAY_MS} ms. ` +
				`The ceiling is one request per service time: ${bench.CEILING_PER_SECOND} items per second. ` +
				`Each node sends failed items to its error output, so every run ends and every item is counted. ` +
				`Wall time is the node's execution time in n8n, and items per second count the items that succeeded. ` +
				`Times and rates are medians of ${runs} ${runs === 1 ? 'run' : 'runs'}; the counts come from the run with the fewest successes.`,
			'',
			table(['Setting', 'Succeeded', 'Lost to 429', 'Wall time', 'Successes/s', 'Of ceiling', 'Requests / rejected / most open'], rows),
			'',
			`Goal: ${items} of ${items} items succeed at ${percent(GOALS.underLimit)} or more of the ceiling. ${verdict(met)} (Parallel Requests 7).`,
			'',
			'- One request at a time cannot reach the ceiling: Woodpecker is idle for each round trip and for n8n\'s own time between two requests. ' +
				'Parallel Requests keeps up to seven in flight, which is what Woodpecker\'s queue admits, so the queue is never empty and never overflows.',
			'- The HTTP Request node sends every item at once by default. Woodpecker takes seven and rejects the rest, and those items end on the error output ' +
				'(with the default On Error setting, the first rejection stops the workflow). Its Batching option spaces out when requests start, ' +
				'not how many are open, and it does not retry a 429.',
		].join('\n'),
	};
}

function engineSection(engine) {
	const [node, httpRequest, bare] = engine.variants;
	const rows = engine.variants.map((variant) => [variant.name, ms(variant.cpuMsPerItem, 3), ms(variant.wallMsPerItem, 3)]);
	const ratio = node.cpuMsPerItem / bare.cpuMsPerItem;
	const wallRatio = node.wallMsPerItem / bare.wallMsPerItem;
	const costMet = ratio <= GOALS.costRatio;
	const memory = engine.memory;
	const memoryMet = memory.peakHeapGrowthMb < GOALS.memoryMb;
	return {
		met: costMet && memoryMet,
		text: [
			'## 2. The node\'s own cost',
			'',
			`Through n8n-core's engine (the same WorkflowExecute that n8n runs), against the sandbox answering at once in a process of its own, so that the CPU time is the client's alone. ` +
				`${engine.items} items per run, medians of ${engine.runs} ${engine.runs === 1 ? 'run' : 'runs'} after one warm-up run. ` +
				'The bare helper loop reads the two IDs and calls `httpRequestWithAuthentication`, the helper the node uses, with no checks, retries or error handling.',
			'',
			table(['Node', 'CPU per item', 'Time per item'], rows),
			'',
			`Goal: at most ${GOALS.costRatio} times the bare helper loop per item. The node takes ${ratio.toFixed(2)} times its CPU and ${wallRatio.toFixed(2)} times its time: ${verdict(costMet)}.`,
			'',
			"The HTTP Request node's time per item is lower because it sends all items at once. " +
				"Its CPU per item is lower because it sets the header itself, without the credential helper that resolves the credential's expressions for every request.",
			'',
			`Memory for ${memory.items} items with the Woodpecker LinkedIn node, above the heap before the run:`,
			'',
			table(
				['Peak heap during the run', 'Heap kept after it (results held)', 'Resident memory growth'],
				[[mb(memory.peakHeapGrowthMb), mb(memory.retainedHeapGrowthMb), mb(memory.rssGrowthMb)]],
			),
			'',
			`Goal: under ${GOALS.memoryMb} MB of memory growth for ${memory.items} items, taken as the peak heap growth: ${verdict(memoryMet)}. ` +
				'Resident memory is a rougher measure: V8 keeps pages it has used for later allocations, and gives pages back to the system when it likes.',
		].join('\n'),
	};
}

function startupSection(load, size, runs) {
	const met = load.medianMs < GOALS.loadMs;
	return {
		met,
		text: [
			'## 3. Start-up and size',
			'',
			table(
				['Figure', 'Value'],
				[
					[`Loading the ${load.modules} node and credential modules (n8n-workflow already loaded, median of ${runs} fresh processes)`, ms(load.medianMs)],
					['Packed tarball', kb(size.bytes)],
					['Unpacked', `${kb(size.unpackedBytes)} in ${size.files} files`],
				],
			),
			'',
			`Goal: module load under ${GOALS.loadMs} ms: ${verdict(met)}.`,
		].join('\n'),
	};
}

async function main() {
	const { values } = parseArgs({
		options: {
			runs: { type: 'string', default: '3' },
			items: { type: 'string', default: '1000' },
			'engine-items': { type: 'string', default: '2000' },
			'memory-items': { type: 'string', default: '10000' },
			out: { type: 'string', default: path.join('docs', 'benchmarks.md') },
		},
	});
	const counts = {};
	for (const name of ['runs', 'items', 'engine-items', 'memory-items']) {
		counts[name] = Number(values[name]);
		if (!Number.isInteger(counts[name]) || counts[name] < 1) {
			throw new Error(`--${name} must be a whole number of 1 or more, got ${values[name]}`);
		}
	}
	const { runs, items } = counts;
	const command = ['npm run bench --', ...process.argv.slice(2)].join(' ');

	const runtime = await n8n.provisionN8n();
	const { stdout: nodeVersion } = await promisify(execFile)(runtime.nodeBin, ['--version']);
	runtime.nodeVersion = nodeVersion.trim().replace(/^v/, '');
	const tarball = await n8n.packPackage();
	try {
		log(`1/3 ${items} items under Woodpecker's limit in n8n ${runtime.version}, ${runs} runs per setting...`);
		const underLimit = await bench.benchUnderLimit({ runtime, tarball, items, runs, log });
		log('2/3 the node\'s own cost through n8n-core\'s engine...');
		const engine = await bench.benchEngine({
			runtime,
			items: counts['engine-items'],
			runs: Math.max(runs, 5),
			memoryItems: counts['memory-items'],
		});
		log('3/3 start-up and size...');
		const load = await bench.benchLoad({ runtime, runs: 15 });
		const size = await bench.benchSize();

		const sections = [underLimitSection(underLimit, items, runs), engineSection(engine), startupSection(load, size, 15)];
		const page = [
			'# Benchmarks',
			'',
			'The Woodpecker LinkedIn node against n8n\'s HTTP Request node and against Woodpecker\'s limit, in one run on one machine. ' +
				'This page is written by `npm run bench`; run it again to measure your machine. Everything runs on 127.0.0.1 against the local Woodpecker sandbox.',
			'',
			`Command: \`${command.replace(/ --$/, '')}\`, run on ${new Date().toISOString().slice(0, 10)}.`,
			'',
			machine(runtime),
			'',
			...sections.flatMap((section) => [section.text, '']),
		].join('\n');
		fs.writeFileSync(path.resolve(n8n.ROOT, values.out), page);
		process.stdout.write(`${page}\n`);
		log(`Written to ${values.out}. Goals: ${sections.filter((section) => section.met).length} of ${sections.length} sections met.`);
	} finally {
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
