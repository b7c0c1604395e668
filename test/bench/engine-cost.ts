/**
 * Measures the node's own cost through n8n-core's engine, against a Woodpecker sandbox that
 * responds at once. It times three nodes per item: the Woodpecker LinkedIn node, n8n's HTTP
 * Request node making the same call, and a bare loop of the n8n helper the node uses. Then it
 * measures the memory of a run of many items. `npm run bench` compiles this file and runs it with
 * `--expose-gc` in a process of its own, with the sandbox in another, so that the CPU figures are
 * the client's alone. It prints one JSON object, with the time of every run; the caller takes
 * the medians.
 *
 * Arguments: a JSON object with baseUrl, apiKey, items, runs, memoryItems and httpRequestNode
 * (the path of n8n-nodes-base's HttpRequest.node.js).
 */
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IVersionedNodeType,
} from 'n8n-workflow';

import { runWorkflow, type ReplacementNode, type RunOptions } from '../workflow/harness';

interface Settings {
	baseUrl: string;
	apiKey: string;
	items: number;
	runs: number;
	memoryItems: number;
	httpRequestNode: string;
}

const CONNECT_LINK_PATH = '/rest/v2/agency/companies/{company}/linkedin_accounts/{account}/generate-connect-link';

/**
 * The minimum a node does for the same call. Per item it reads the two IDs and sends the request
 * through the same n8n helper and credential as the Woodpecker LinkedIn node, with no checks,
 * retries or error handling.
 */
class BareHelperLoop implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bare Helper Loop',
		name: 'bareHelperLoop',
		group: ['transform'],
		version: 1,
		description: 'Sends one request per item with httpRequestWithAuthentication',
		defaults: { name: 'Bare Helper Loop' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'woodpeckerApi', required: true }],
		properties: [
			{ displayName: 'Company ID', name: 'companyId', type: 'string', default: '' },
			{ displayName: 'Account ID', name: 'accountId', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { baseUrl } = await this.getCredentials('woodpeckerApi');
		const results: INodeExecutionData[] = [];
		const count = this.getInputData().length;
		for (let itemIndex = 0; itemIndex < count; itemIndex++) {
			const path = CONNECT_LINK_PATH.replace('{company}', String(this.getNodeParameter('companyId', itemIndex))).replace(
				'{account}',
				String(this.getNodeParameter('accountId', itemIndex)),
			);
			const json = (await this.helpers.httpRequestWithAuthentication.call(this, 'woodpeckerApi', {
				method: 'POST',
				url: `${String(baseUrl)}${path}`,
				json: true,
			})) as IDataObject;
			results.push({ json, pairedItem: { item: itemIndex } });
		}
		return [results];
	}
}

const IDS = { companyId: '={{ $json.company }}', accountId: '={{ $json.account }}' };

type Variant = { name: string; replacement?: ReplacementNode };

function variants(settings: Settings): Variant[] {
	// Loaded from the n8n install that the benchmark provisions, as n8n itself loads it.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { HttpRequest } = require(settings.httpRequestNode) as { HttpRequest: new () => IVersionedNodeType };
	const url = CONNECT_LINK_PATH.replace('{company}', "' + $json.company + '").replace('{account}', "' + $json.account + '");
	return [
		{ name: 'Woodpecker LinkedIn node' },
		{
			name: 'HTTP Request node',
			replacement: {
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.5,
				nodeType: new HttpRequest(),
				parameters: {
					method: 'POST',
					url: `={{ '${settings.baseUrl}${url}' }}`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					options: {},
				},
				credential: { type: 'httpHeaderAuth', data: { name: 'x-api-key', value: settings.apiKey } },
			},
		},
		{
			name: 'bare helper loop',
			replacement: {
				type: 'bench.bareHelperLoop',
				typeVersion: 1,
				nodeType: new BareHelperLoop(),
				parameters: IDS,
				credential: { type: 'woodpeckerApi', data: { apiKey: settings.apiKey, baseUrl: settings.baseUrl } },
			},
		},
	];
}

function rows(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, row) => ({ row, company: 123, account: 456 + (row % 2) }));
}

function runOptions(settings: Settings, variant: Variant, count: number): RunOptions {
	return {
		items: rows(count),
		parameters: IDS,
		credentials: { apiKey: settings.apiKey, baseUrl: settings.baseUrl },
		replacement: variant.replacement,
		// Nothing downstream should add to the figures.
		withoutReaders: true,
	};
}

/** Runs once and checks that every item succeeded, so a broken variant cannot look fast. */
async function runChecked(settings: Settings, variant: Variant, count: number) {
	const result = await runWorkflow(runOptions(settings, variant, count));
	const linked = result.success.filter((item) => typeof item.json.connect_account_link === 'string').length;
	if (result.executionError !== undefined || linked !== count) {
		throw new Error(
			`${variant.name}: ${linked} of ${count} items got a link (${result.executionError?.message ?? 'no execution error'})`,
		);
	}
	return result;
}

async function measureVariant(settings: Settings, variant: Variant) {
	// One warm-up run, so that module loading and the JIT are not counted.
	await runChecked(settings, variant, Math.min(settings.items, 200));
	const wallMs: number[] = [];
	const cpuMs: number[] = [];
	for (let run = 0; run < settings.runs; run++) {
		global.gc?.();
		const startCpu = process.cpuUsage();
		const start = performance.now();
		await runChecked(settings, variant, settings.items);
		wallMs.push((performance.now() - start) / settings.items);
		const cpu = process.cpuUsage(startCpu);
		cpuMs.push((cpu.user + cpu.system) / 1000 / settings.items);
	}
	return { name: variant.name, wallMs, cpuMs };
}

const MB = 1024 * 1024;

/**
 * Memory of one run of many items with the Woodpecker LinkedIn node, each figure above the heap
 * before the run. The peak is the most live heap during the run, sampled after a full garbage
 * collection every 100 ms. The retained figure is the heap still used after the run, with its
 * result held. Resident memory growth is rougher, because V8 keeps pages for later use.
 */
async function measureMemory(settings: Settings) {
	const variant = { name: 'Woodpecker LinkedIn node' };
	const collect = global.gc as () => void;
	await runChecked(settings, variant, 100);
	collect();
	const before = process.memoryUsage();
	let peakHeap = before.heapUsed;
	const sampler = setInterval(() => {
		collect();
		peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
	}, 100);
	const result = await runChecked(settings, variant, settings.memoryItems);
	clearInterval(sampler);
	collect();
	const after = process.memoryUsage();
	peakHeap = Math.max(peakHeap, after.heapUsed);
	return {
		items: result.success.length,
		peakHeapGrowthMb: (peakHeap - before.heapUsed) / MB,
		retainedHeapGrowthMb: (after.heapUsed - before.heapUsed) / MB,
		rssGrowthMb: (after.rss - before.rss) / MB,
	};
}

async function main() {
	const settings = JSON.parse(process.argv[2] ?? '{}') as Settings;
	if (global.gc === undefined) throw new Error('Run with node --expose-gc, so that memory figures are stable');
	const measured = [];
	for (const variant of variants(settings)) measured.push(await measureVariant(settings, variant));
	const memory = await measureMemory(settings);
	process.stdout.write(`${JSON.stringify({ items: settings.items, runs: settings.runs, variants: measured, memory })}\n`);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.stack : error);
	process.exitCode = 1;
});
