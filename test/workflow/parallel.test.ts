/**
 * Parallel Requests through n8n-core's engine against the local sandbox with Woodpecker's queue
 * rule on: order, pairedItem and both error settings with several requests in flight, and how
 * many requests are ever open at once.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startSandbox } from '../sandbox/server';
import { runWorkflow, type OnError } from './harness';
import { connectLinkPath } from './woodpecker-mock';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

const API_KEY = 'sandbox-agency-key';
const PARAMETERS = { companyId: '={{ $json.company }}', accountId: '={{ $json.account }}' };
/** Accounts of company 123 in the sandbox's seed that always get a link at once. */
const CLEAN_ACCOUNTS = [456, 457];
/** Account of company 123 in the seed whose requests always fail with 500. */
const FAILING_ACCOUNT = 458;

let sandbox: Sandbox;

beforeEach(async () => {
	sandbox = await startSandbox({ concurrency: { enabled: true }, serviceTimeMs: 20, networkDelayMs: 10 });
});

afterEach(async () => {
	await sandbox.close();
});

function rows(count: number, failAt: number[] = []): IDataObject[] {
	return Array.from({ length: count }, (_, row) => ({
		row,
		company: 123,
		account: failAt.includes(row) ? FAILING_ACCOUNT : CLEAN_ACCOUNTS[row % 2],
	}));
}

async function run(items: IDataObject[], options: INodeParameters, onError: OnError = 'stopWorkflow') {
	return await runWorkflow({
		items,
		parameters: { ...PARAMETERS, options: { retryDelay: 10, ...options } },
		onError,
		credentials: { apiKey: API_KEY, baseUrl: sandbox.url },
	});
}

/** Returns the account ids the sandbox received, in arrival order. */
function requestedAccounts(): number[] {
	return sandbox.requests.map((request) => Number(/linkedin_accounts\/(\d+)\//.exec(request.path)?.[1]));
}

describe('parallel requests', () => {
	test.each([1, 3, 7])('%i in flight keep input order', async (parallelRequests) => {
		const input = rows(40);

		const result = await run(input, { parallelRequests });

		expect(result.executionError).toBeUndefined();
		expect(result.errors).toEqual([]);
		expect(result.success).toEqual(
			input.map((row, index) => ({
				json: {
					account_id: row.account,
					connect_account_link: expect.stringMatching(/^https:\/\//),
					company_id: 123,
					expires_at: expect.any(String),
				},
				pairedItem: { item: index },
			})),
		);
		expect(new Set(result.success.map((item) => item.json.connect_account_link)).size).toBe(40);
		expect(sandbox.requests).toHaveLength(40);
		for (const request of sandbox.requests) {
			expect(request.method).toBe('POST');
			expect(request.headers['x-api-key']).toBe(API_KEY);
		}
		expect(requestedAccounts().sort()).toEqual(input.map((row) => row.account as number).sort());
		// Never more open than asked for, and, with 40 items, that many at some point.
		expect(sandbox.stats.maxOpen).toBe(parallelRequests);
		expect(sandbox.stats.rejectedByConcurrency).toBe(0);
	});

	test('default is one at a time', async () => {
		const result = await run(rows(10), {});

		expect(result.success).toHaveLength(10);
		expect(sandbox.stats.maxOpen).toBe(1);
		expect(sandbox.requests.map((request) => request.path)).toEqual(
			rows(10).map((row) => connectLinkPath(123, row.account as number)),
		);
	});

	test('error output keeps every item in place', async () => {
		const failAt = [0, 5, 6, 19];
		const input = rows(20, failAt);

		const result = await run(input, { parallelRequests: 7, maxRetries: 0 }, 'continueErrorOutput');

		expect(result.executionError).toBeUndefined();
		expect(result.success.map((item) => item.pairedItem)).toEqual(
			input.flatMap((_, index) => (failAt.includes(index) ? [] : [{ item: index }])),
		);
		expect(result.success.map((item) => item.json.account_id)).toEqual(
			input.filter((_, index) => !failAt.includes(index)).map((row) => row.account),
		);
		expect(result.errors).toEqual(
			failAt.map((index) => ({
				json: {
					...input[index],
					error: expect.objectContaining({
						http_status: 500,
						company_id: 123,
						account_id: FAILING_ACCOUNT,
						attempts: 1,
					}),
				},
				pairedItem: { item: index },
			})),
		);
		expect(sandbox.requests).toHaveLength(20);
	});

	test('regular output keeps every item in place', async () => {
		const failAt = [2, 3];
		const input = rows(12, failAt);

		const result = await run(input, { parallelRequests: 4, maxRetries: 0 }, 'continueRegularOutput');

		expect(result.success.map((item) => item.pairedItem)).toEqual(input.map((_, index) => ({ item: index })));
		expect(result.success.map((item) => (item.json.error as IDataObject | undefined)?.http_status ?? null)).toEqual(
			input.map((_, index) => (failAt.includes(index) ? 500 : null)),
		);
	});

	test('stop workflow reports the first failed item', async () => {
		const failAt = [9, 10];
		const input = rows(60, failAt);

		const result = await run(input, { parallelRequests: 7, maxRetries: 0 });

		expect(result.success).toEqual([]);
		expect(result.executionError?.message).toContain(`account ${FAILING_ACCOUNT} of company 123`);
		expect(result.executionError?.context?.itemIndex).toBe(9);
		// No item starts after a failure: at most the six started beside item 9, and item 10
		// (or the first item after it) cannot have started once item 9 had failed.
		expect(sandbox.requests.length).toBeGreaterThanOrEqual(10);
		expect(sandbox.requests.length).toBeLessThanOrEqual(9 + 7);
	});

	test('stop workflow reports the lowest failed item', async () => {
		// Without the queue rule, so that item 5 can fail while item 2, slowed down, is still waiting.
		await sandbox.close();
		sandbox = await startSandbox({ serviceTimeMs: 0 });
		sandbox.injectFaults([{ fault: 'slow', accountId: FAILING_ACCOUNT, delayMs: 500 }]);
		const input = rows(8, [2, 5]);

		const result = await run(input, { parallelRequests: 7, maxRetries: 0 });

		expect(result.success).toEqual([]);
		expect(result.executionError?.context?.itemIndex).toBe(2);
		expect(sandbox.requests.map((request) => request.fault)).toContain('slow');
	});

	test.each([
		[0, '0'],
		[8, '8'],
		[2.5, '2.5'],
		['many', '"many"'],
	])('invalid value %p fails every item before any request', async (value, shown) => {
		const result = await run(rows(3), { parallelRequests: value }, 'continueErrorOutput');

		expect(result.success).toEqual([]);
		expect(result.errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of result.errors) {
			expect((item.json.error as IDataObject).message).toBe(
				`Parallel Requests ${shown} is not a whole number from 1 to 7. Set Options > Parallel Requests to 1 to send one request at a time, or to at most 7, the most requests Woodpecker queues for one API key.`,
			);
		}
		expect(sandbox.requests).toEqual([]);
	});
});
