import type { IDataObject, INodeParameters } from 'n8n-workflow';
import type nock from 'nock';

import { runWorkflow, TEST_API_KEY, type OnError, type RunResult } from './harness';
import {
	connectLinkPath,
	expectedConnectLinkRequest,
	startResettingServer,
	woodpeckerScope,
	type RecordedRequest,
} from './woodpecker-mock';

const LINK = 'https://app.woodpecker.co/linkedin/connect?token=sbx_fedcba9876543210fedcba9876543210';
const INPUT = { company: 123, account: 456 };
const PARAMETERS = { companyId: '={{ $json.company }}', accountId: '={{ $json.account }}' };
const IDS = { company_id: 123, account_id: 456 };
const SUCCESS = [
	{
		json: { account_id: 456, connect_account_link: LINK, company_id: 123, expires_at: expect.any(String) },
		pairedItem: { item: 0 },
	},
];

interface TransientCase {
	name: string;
	/** Adds the failing first response to the interceptor chain. */
	fail: (interceptor: nock.Interceptor) => nock.Scope;
	options?: INodeParameters;
	/** How the retry log line names the failure. */
	failure: string;
	/** Expected wait before the retry in ms, or the [lowest, highest] wait allowed. */
	waitMs: number | [number, number];
}

const html = (status: number, text: string) => `<html><head><title>${status} ${text}</title></head></html>`;

const transientCases: TransientCase[] = [
	{
		name: 'HTTP 429 without Retry-After',
		fail: (interceptor) => interceptor.reply(429, { code: 'TOO_MANY_REQUESTS', message: 'Too many requests.' }),
		failure: 'HTTP 429',
		waitMs: 0,
	},
	{
		name: 'HTTP 429 with Retry-After seconds',
		fail: (interceptor) => interceptor.reply(429, '', { 'Retry-After': '1' }),
		failure: 'HTTP 429',
		waitMs: 1000,
	},
	{
		name: 'HTTP 429 with Retry-After date',
		// An HTTP-date has whole seconds, so a date 3 seconds ahead is 2 to 3 seconds away.
		fail: (interceptor) =>
			interceptor.reply(429, '', { 'Retry-After': () => new Date(Date.now() + 3000).toUTCString() }),
		failure: 'HTTP 429',
		waitMs: [1, 3000],
	},
	{
		name: 'HTTP 502 page',
		fail: (interceptor) => interceptor.reply(502, html(502, 'Bad Gateway'), { 'Content-Type': 'text/html' }),
		failure: 'HTTP 502',
		waitMs: 0,
	},
	{
		name: 'HTTP 503 page',
		fail: (interceptor) => interceptor.reply(503, html(503, 'Service Unavailable'), { 'Content-Type': 'text/html' }),
		failure: 'HTTP 503',
		waitMs: 0,
	},
	{
		name: 'HTTP 504 page',
		fail: (interceptor) => interceptor.reply(504, html(504, 'Gateway Time-out'), { 'Content-Type': 'text/html' }),
		failure: 'HTTP 504',
		waitMs: 0,
	},
	{
		name: 'documented HTTP 500',
		fail: (interceptor) =>
			interceptor.reply(500, {
				type: 'INTERNAL_ERROR',
				code: 'INTERNAL_SERVER_ERROR',
				message: 'An unexpected error occurred on the server.',
				request_id: 'r-1',
			}),
		failure: 'HTTP 500',
		waitMs: 0,
	},
	{
		name: 'answer after the timeout',
		fail: (interceptor) => interceptor.delay(1_000).reply(201, { account_id: 456, connect_account_link: `${LINK}-late` }),
		options: { timeout: 100 },
		failure: 'timeout',
		waitMs: 0,
	},
];

describe.each(transientCases)('retry after $name', (transient) => {
	async function run(onError: OnError): Promise<RunResult> {
		const recorded: RecordedRequest[] = [];
		const scope = transient.fail(woodpeckerScope(recorded).post(connectLinkPath(123, 456)));
		scope.post(connectLinkPath(123, 456)).reply(201, { account_id: 456, connect_account_link: LINK });

		const result = await runWorkflow({
			items: [INPUT],
			parameters: { ...PARAMETERS, options: { retryDelay: 0, ...transient.options } },
			onError,
		});

		expect(scope.isDone()).toBe(true);
		const expected = expectedConnectLinkRequest(TEST_API_KEY, 123, 456);
		expect(recorded).toEqual([expected, expected]);
		expect(result.executionError).toBeUndefined();
		expect(result.success).toEqual(SUCCESS);
		expect(result.errors).toEqual([]);
		const lines = result.logs.filter((line) => line.message.startsWith('Woodpecker'));
		const waitMs = lines[0]?.meta?.waitMs as number;
		if (Array.isArray(transient.waitMs)) {
			expect(waitMs).toBeGreaterThanOrEqual(transient.waitMs[0]);
			expect(waitMs).toBeLessThanOrEqual(transient.waitMs[1]);
		} else {
			expect(waitMs).toBe(transient.waitMs);
		}
		expect(lines).toEqual([
			{
				level: 'warn',
				message: 'Woodpecker request failed, retrying',
				meta: { itemIndex: 0, ...IDS, failure: transient.failure, attempt: 1, waitMs },
			},
			{
				level: 'info',
				message: 'Woodpecker request succeeded after retrying',
				meta: { itemIndex: 0, ...IDS, failure: 'HTTP 201', attempts: 2 },
			},
		]);
		const logged = JSON.stringify(result.logs);
		expect(logged).not.toContain(TEST_API_KEY);
		expect(logged).not.toContain('token=');
		return result;
	}

	test('stop workflow setting', async () => {
		await run('stopWorkflow');
	});

	test('regular output setting', async () => {
		await run('continueRegularOutput');
	});

	test('error output setting', async () => {
		await run('continueErrorOutput');
	});
});

describe('retry after connection reset', () => {
	test.each<OnError>(['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'])('%s setting', async (onError) => {
		const recorded: RecordedRequest[] = [];
		const server = await startResettingServer(1, 201, { account_id: 456, connect_account_link: LINK }, recorded);

		const result = await runWorkflow({
			items: [INPUT],
			parameters: { ...PARAMETERS, options: { retryDelay: 0 } },
			onError,
			credentials: { apiKey: TEST_API_KEY, baseUrl: server.baseUrl },
		});
		await server.close();

		const expected = expectedConnectLinkRequest(TEST_API_KEY, 123, 456);
		expect(recorded).toEqual([expected, expected]);
		expect(result.success).toEqual(SUCCESS);
		expect(result.errors).toEqual([]);
		const lines = result.logs.filter((line) => line.message.startsWith('Woodpecker'));
		expect(lines.map((line) => [line.message, line.meta?.failure])).toEqual([
			['Woodpecker request failed, retrying', 'ECONNRESET'],
			['Woodpecker request succeeded after retrying', 'HTTP 201'],
		]);
	});
});

describe('retries never repeat client errors', () => {
	test.each([
		[400, { type: 'VALIDATION_ERROR', code: 'BAD_REQUEST', message: 'Invalid account id.', request_id: 'r-1' }],
		[401, { title: 'Unauthorized', status: 401, detail: 'Invalid api key', timestamp: '2025-03-05 17:57:00' }],
		[404, { title: 'Not Found', status: 404, detail: 'No active company found', timestamp: '2025-03-05 17:57:00' }],
	])('HTTP %d sent once', async (status, body) => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded).post(connectLinkPath(123, 456)).reply(status, body);

		const result = await runWorkflow({
			items: [INPUT],
			parameters: { ...PARAMETERS, options: { retryDelay: 0 } },
			onError: 'continueErrorOutput',
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded).toHaveLength(1);
		expect(result.errors).toHaveLength(1);
		expect((result.errors[0].json.error as IDataObject).attempts).toBe(1);
		expect(result.logs.filter((line) => line.message.startsWith('Woodpecker'))).toEqual([]);
	});
});

describe('giving up is logged', () => {
	test('last failure and attempt count', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded).post(connectLinkPath(123, 456)).times(3).reply(503, 'busy');

		const result = await runWorkflow({
			items: [INPUT],
			parameters: { ...PARAMETERS, options: { retryDelay: 0, maxRetries: 2 } },
			onError: 'continueErrorOutput',
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded).toHaveLength(3);
		const lines = result.logs.filter((line) => line.message.startsWith('Woodpecker'));
		expect(lines.map((line) => [line.level, line.message, line.meta?.attempt ?? line.meta?.attempts])).toEqual([
			['warn', 'Woodpecker request failed, retrying', 1],
			['warn', 'Woodpecker request failed, retrying', 2],
			['warn', 'Woodpecker request failed, giving up', 3],
		]);
		expect(lines[2].meta).toEqual({ itemIndex: 0, ...IDS, failure: 'HTTP 503', attempts: 3 });
	});
});
