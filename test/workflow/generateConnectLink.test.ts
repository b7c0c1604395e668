import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { LINK_VALIDITY_MS } from '../../nodes/WoodpeckerLinkedIn/actions/linkedInAccount/generateConnectLink.operation';
import {
	connectionFailureMessage,
	BASE_URL_NOT_SENT,
	httpFailureMessage,
	invalidBaseUrlMessage,
	invalidIdMessage,
	missingFieldMessage,
	NO_REQUEST_SENT,
	notJsonMessage,
	timeoutMessage,
} from '../../nodes/WoodpeckerLinkedIn/messages';
import { runWorkflow, TEST_API_KEY, TEST_BASE_URL, type OnError, type RunResult } from './harness';
import {
	connectLinkPath,
	expectedConnectLinkRequest,
	startResettingServer,
	woodpeckerScope,
	type RecordedRequest,
} from './woodpecker-mock';

const LINK = 'https://app.woodpecker.co/linkedin/connect?token=sbx_0123456789abcdef0123456789abcdef';
const REQUEST_ID = '7d0c6a52-3f3e-4a8e-9a55-0f6c1f0e2b11';
const INPUT = { deal: 'Acme onboarding', company: 123, account: 456 };
const BY_FIELD = { companyId: '={{ $json.company }}', accountId: '={{ $json.account }}' };
const TARGET = { companyId: 123, accountId: 456 };
/** Default retry count with almost no wait, so retried cases run fast. */
const FAST_RETRIES = { retryDelay: 1 };
const TOO_MANY = {
	type: 'TOO_MANY_REQUESTS',
	code: 'TOO_MANY_REQUESTS',
	message: 'Too many requests in progress for this API key.',
	request_id: REQUEST_ID,
};
const GATEWAY_PAGE = (status: number, text: string) =>
	`<html><head><title>${status} ${text}</title></head><body><center><h1>${status} ${text}</h1></center></body></html>`;
const LOGIN_PAGE =
	'<!DOCTYPE html><html><head><title>Log in - Woodpecker</title></head><body><form><input name="email"></form></body></html>';
const HUGE_TEXT = 'x'.repeat(5_000_000);

/** Port of a server that was started and closed again, so connections to it are refused. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** details of an item that failed before any request was sent. */
function notSentDetails(description: string, companyId: unknown, accountId: unknown): IDataObject {
	return {
		description,
		http_status: null,
		code: null,
		woodpecker_message: null,
		request_id: null,
		timestamp: null,
		attempts: 0,
		company_id: companyId as IDataObject[string],
		account_id: accountId as IDataObject[string],
	};
}

function expectNoKeyAnywhere(result: RunResult) {
	expect(JSON.stringify(result.run)).not.toContain(TEST_API_KEY);
	expect(JSON.stringify(result.logs)).not.toContain(TEST_API_KEY);
	expect(JSON.stringify(result.logs)).not.toContain('token=');
}

describe('Generate Connect Link success', () => {
	test('one item gives link and expiry', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.post(connectLinkPath(123, 456))
			.reply(201, { account_id: 456, connect_account_link: LINK });

		const before = Date.now();
		const result = await runWorkflow({ items: [INPUT], parameters: BY_FIELD });
		const after = Date.now();

		expect(scope.isDone()).toBe(true);
		expect(recorded).toEqual([expectedConnectLinkRequest(TEST_API_KEY, 123, 456)]);
		expect(result.executionError).toBeUndefined();
		expect(result.errors).toEqual([]);
		expect(result.success).toEqual([
			{
				json: { account_id: 456, connect_account_link: LINK, company_id: 123, expires_at: expect.any(String) },
				pairedItem: { item: 0 },
			},
		]);
		const expiresAt = Date.parse(result.success[0].json.expires_at as string);
		expect(result.success[0].json.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(expiresAt).toBeGreaterThanOrEqual(before + LINK_VALIDITY_MS);
		expect(expiresAt).toBeLessThanOrEqual(after + LINK_VALIDITY_MS);
		expect(result.readSuccess).toEqual([result.success[0].json]);
		expectNoKeyAnywhere(result);
	});

	test('fixed ids and trailing slash base URL', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.post(connectLinkPath(123, 456))
			.reply(201, { account_id: 456, connect_account_link: LINK });

		const result = await runWorkflow({
			items: [{}],
			parameters: { companyId: ' 123 ', accountId: '456' },
			credentials: { apiKey: TEST_API_KEY, baseUrl: `${TEST_BASE_URL}//` },
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded).toEqual([expectedConnectLinkRequest(TEST_API_KEY, 123, 456)]);
		expect(result.success.map((item) => item.json.connect_account_link)).toEqual([LINK]);
	});

	test('returned account id kept as sent', async () => {
		const scope = woodpeckerScope([])
			.post(connectLinkPath(123, 456))
			.reply(201, { account_id: '456', connect_account_link: LINK, extra: true });

		const result = await runWorkflow({ items: [INPUT], parameters: BY_FIELD });

		expect(scope.isDone()).toBe(true);
		expect(result.success[0].json).toEqual({
			account_id: '456',
			connect_account_link: LINK,
			company_id: 123,
			expires_at: expect.any(String),
		});
	});
});

interface FailureCase {
	name: string;
	/** Sets up the interceptor; returns the credentials to use when they differ from the default. */
	arrange: (
		recorded: RecordedRequest[],
	) => Promise<ICredentialDataDecryptedObject | undefined> | ICredentialDataDecryptedObject | undefined;
	options?: INodeParameters;
	message: () => string;
	details: IDataObject;
	/** Requests that reach nock: 0 for a refused connection, more than 1 when retried. */
	requests: number;
}

const refusedPort = { value: 0 };
const resettingServer = { value: { baseUrl: '', close: async () => {} } };

const failureCases: FailureCase[] = [
	{
		name: 'HTTP 400 invalid account',
		arrange: (recorded) => {
			woodpeckerScope(recorded).post(connectLinkPath(123, 456)).reply(400, {
				type: 'VALIDATION_ERROR',
				code: 'BAD_REQUEST',
				message: 'Invalid account id.',
				request_id: REQUEST_ID,
			});
			return undefined;
		},
		message: () => httpFailureMessage(400, TARGET, 'Invalid account id.'),
		details: {
			description: `HTTP 400. Woodpecker's message: "Invalid account id." Code: BAD_REQUEST (VALIDATION_ERROR). Request ID: ${REQUEST_ID}.`,
			http_status: 400,
			code: 'BAD_REQUEST',
			woodpecker_message: 'Invalid account id.',
			request_id: REQUEST_ID,
			timestamp: null,
			attempts: 1,
		},
		requests: 1,
	},
	{
		name: 'HTTP 401 invalid key',
		arrange: (recorded) => {
			woodpeckerScope(recorded).post(connectLinkPath(123, 456)).reply(401, {
				title: 'Unauthorized',
				status: 401,
				detail: 'Invalid api key',
				timestamp: '2025-03-05 17:57:00',
			});
			return undefined;
		},
		message: () => httpFailureMessage(401, TARGET, 'Invalid api key'),
		details: {
			description: `HTTP 401. Woodpecker's message: "Invalid api key". Timestamp: 2025-03-05 17:57:00 UTC.`,
			http_status: 401,
			code: null,
			woodpecker_message: 'Invalid api key',
			request_id: null,
			timestamp: '2025-03-05 17:57:00',
			attempts: 1,
		},
		requests: 1,
	},
	{
		name: 'HTTP 404 no active company',
		arrange: (recorded) => {
			woodpeckerScope(recorded).post(connectLinkPath(123, 456)).reply(404, {
				title: 'Not Found',
				status: 404,
				detail: 'No active company found',
				timestamp: '2025-03-05 17:58:00',
			});
			return undefined;
		},
		message: () => httpFailureMessage(404, TARGET, 'No active company found'),
		details: {
			description: `HTTP 404. Woodpecker's message: "No active company found". Timestamp: 2025-03-05 17:58:00 UTC.`,
			http_status: 404,
			code: null,
			woodpecker_message: 'No active company found',
			request_id: null,
			timestamp: '2025-03-05 17:58:00',
			attempts: 1,
		},
		requests: 1,
	},
	{
		name: 'HTTP 404 unknown address',
		arrange: (recorded) => {
			woodpeckerScope(recorded).post(connectLinkPath(123, 456)).reply(404, {
				title: 'Not Found',
				status: 404,
				detail: 'Requested resource does not exist',
				timestamp: '2025-03-05 17:59:00',
			});
			return undefined;
		},
		message: () => httpFailureMessage(404, TARGET, 'Requested resource does not exist'),
		details: {
			description: `HTTP 404. Woodpecker's message: "Requested resource does not exist". Timestamp: 2025-03-05 17:59:00 UTC.`,
			http_status: 404,
			code: null,
			woodpecker_message: 'Requested resource does not exist',
			request_id: null,
			timestamp: '2025-03-05 17:59:00',
			attempts: 1,
		},
		requests: 1,
	},
	{
		name: 'HTTP 500 internal error',
		arrange: (recorded) => {
			woodpeckerScope(recorded).post(connectLinkPath(123, 456)).times(6).reply(500, {
				type: 'INTERNAL_ERROR',
				code: 'INTERNAL_SERVER_ERROR',
				message: 'An unexpected error occurred on the server.',
				request_id: REQUEST_ID,
			});
			return undefined;
		},
		message: () => httpFailureMessage(500, TARGET, 'An unexpected error occurred on the server.', 6),
		details: {
			description: `HTTP 500. Woodpecker's message: "An unexpected error occurred on the server." Code: INTERNAL_SERVER_ERROR (INTERNAL_ERROR). Request ID: ${REQUEST_ID}.`,
			http_status: 500,
			code: 'INTERNAL_SERVER_ERROR',
			woodpecker_message: 'An unexpected error occurred on the server.',
			request_id: REQUEST_ID,
			timestamp: null,
			attempts: 6,
		},
		requests: 6,
	},
	{
		name: 'success body not JSON',
		arrange: (recorded) => {
			woodpeckerScope(recorded)
				.post(connectLinkPath(123, 456))
				.reply(201, '<html><head><title>Log in</title></head><body>…</body></html>', {
					'Content-Type': 'text/html',
				});
			return undefined;
		},
		message: () => notJsonMessage(201, TARGET),
		details: {
			description: 'HTTP 201. The body was an HTML page titled "Log in" (61 characters).',
			http_status: 201,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 1,
		},
		requests: 1,
	},
	{
		name: 'success body without link',
		arrange: (recorded) => {
			woodpeckerScope(recorded).post(connectLinkPath(123, 456)).reply(201, { account_id: 456 });
			return undefined;
		},
		message: () => missingFieldMessage('connect_account_link', 201, TARGET),
		details: {
			description: 'HTTP 201. The body had only the fields account_id.',
			http_status: 201,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 1,
		},
		requests: 1,
	},
	{
		name: 'no answer before timeout',
		arrange: (recorded) => {
			woodpeckerScope(recorded)
				.post(connectLinkPath(123, 456))
				.times(6)
				.delay(2_000)
				.reply(201, { account_id: 456, connect_account_link: LINK });
			return undefined;
		},
		options: { timeout: 200 },
		message: () => timeoutMessage(200, TARGET, 6),
		details: {
			description:
				'No response arrived within 200 ms, so the request was abandoned. Woodpecker may still have processed it.',
			http_status: null,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 6,
		},
		requests: 6,
	},
	{
		name: 'connection refused',
		arrange: async () => {
			refusedPort.value = await closedPort();
			return { apiKey: TEST_API_KEY, baseUrl: `http://127.0.0.1:${refusedPort.value}` };
		},
		message: () => connectionFailureMessage(`http://127.0.0.1:${refusedPort.value}`, 'connection refused', TARGET),
		details: {
			description: expect.stringMatching(
				/^The request failed before Woodpecker answered\. System error code: ECONNREFUSED\. Reason: .*ECONNREFUSED.*\.$/,
			),
			http_status: null,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 1,
		},
		requests: 0,
	},
	{
		name: 'HTTP 429 on every attempt',
		arrange: (recorded) => {
			woodpeckerScope(recorded).post(connectLinkPath(123, 456)).times(6).reply(429, TOO_MANY);
			return undefined;
		},
		message: () => httpFailureMessage(429, TARGET, TOO_MANY.message, 6),
		details: {
			description: `HTTP 429. Woodpecker's message: "${TOO_MANY.message}" Code: TOO_MANY_REQUESTS. Request ID: ${REQUEST_ID}.`,
			http_status: 429,
			code: 'TOO_MANY_REQUESTS',
			woodpecker_message: TOO_MANY.message,
			request_id: REQUEST_ID,
			timestamp: null,
			attempts: 6,
		},
		requests: 6,
	},
	{
		name: 'HTTP 503 page on every attempt',
		arrange: (recorded) => {
			woodpeckerScope(recorded)
				.post(connectLinkPath(123, 456))
				.times(3)
				.reply(503, GATEWAY_PAGE(503, 'Service Unavailable'), { 'Content-Type': 'text/html' });
			return undefined;
		},
		options: { maxRetries: 2 },
		message: () => httpFailureMessage(503, TARGET, undefined, 3),
		details: {
			description: `HTTP 503. The body was an HTML page titled "503 Service Unavailable" (${GATEWAY_PAGE(503, 'Service Unavailable').length} characters).`,
			http_status: 503,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 3,
		},
		requests: 3,
	},
	{
		name: 'HTTP 502 with retries off',
		arrange: (recorded) => {
			woodpeckerScope(recorded)
				.post(connectLinkPath(123, 456))
				.reply(502, GATEWAY_PAGE(502, 'Bad Gateway'), { 'Content-Type': 'text/html' });
			return undefined;
		},
		options: { maxRetries: 0 },
		message: () => httpFailureMessage(502, TARGET, undefined, 1),
		details: {
			description: `HTTP 502. The body was an HTML page titled "502 Bad Gateway" (${GATEWAY_PAGE(502, 'Bad Gateway').length} characters).`,
			http_status: 502,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 1,
		},
		requests: 1,
	},
	{
		name: 'HTTP 504 page on every attempt',
		arrange: (recorded) => {
			woodpeckerScope(recorded)
				.post(connectLinkPath(123, 456))
				.times(2)
				.reply(504, GATEWAY_PAGE(504, 'Gateway Time-out'), { 'Content-Type': 'text/html' });
			return undefined;
		},
		options: { maxRetries: 1 },
		message: () => httpFailureMessage(504, TARGET, undefined, 2),
		details: {
			description: `HTTP 504. The body was an HTML page titled "504 Gateway Time-out" (${GATEWAY_PAGE(504, 'Gateway Time-out').length} characters).`,
			http_status: 504,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 2,
		},
		requests: 2,
	},
	{
		name: 'connection reset on every attempt',
		arrange: async (recorded) => {
			const server = await startResettingServer(3, 201, {}, recorded);
			resettingServer.value = server;
			return { apiKey: TEST_API_KEY, baseUrl: server.baseUrl };
		},
		options: { maxRetries: 2 },
		message: () => connectionFailureMessage(resettingServer.value.baseUrl, 'connection reset', TARGET, 3),
		details: {
			description: expect.stringMatching(
				/^The request failed before Woodpecker answered\. System error code: ECONNRESET\. Reason: .+\.$/,
			),
			http_status: null,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 3,
		},
		requests: 3,
	},
	{
		name: 'HTTP 201 with empty body',
		arrange: (recorded) => {
			woodpeckerScope(recorded).post(connectLinkPath(123, 456)).reply(201, '');
			return undefined;
		},
		message: () => notJsonMessage(201, TARGET),
		details: {
			description: 'HTTP 201. The body was an empty body.',
			http_status: 201,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 1,
		},
		requests: 1,
	},
	{
		name: 'HTTP 200 login page',
		arrange: (recorded) => {
			woodpeckerScope(recorded).post(connectLinkPath(123, 456)).reply(200, LOGIN_PAGE, { 'Content-Type': 'text/html' });
			return undefined;
		},
		message: () => notJsonMessage(200, TARGET),
		details: {
			description: `HTTP 200. The body was an HTML page titled "Log in - Woodpecker" (${LOGIN_PAGE.length} characters).`,
			http_status: 200,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 1,
		},
		requests: 1,
	},
	{
		name: 'very large error body',
		arrange: (recorded) => {
			woodpeckerScope(recorded).post(connectLinkPath(123, 456)).times(2).reply(500, HUGE_TEXT);
			return undefined;
		},
		options: { maxRetries: 1 },
		message: () => httpFailureMessage(500, TARGET, undefined, 2),
		details: {
			description: `HTTP 500. The body was a text of ${HUGE_TEXT.length} characters starting "${'x'.repeat(199)}…".`,
			http_status: 500,
			code: null,
			woodpecker_message: null,
			request_id: null,
			timestamp: null,
			attempts: 2,
		},
		requests: 2,
	},
	{
		name: 'error body echoing the key',
		arrange: (recorded) => {
			woodpeckerScope(recorded)
				.post(connectLinkPath(123, 456))
				.reply(400, function echo() {
					return {
						type: 'VALIDATION_ERROR',
						code: 'BAD_REQUEST',
						message: `Rejected headers: ${JSON.stringify(this.req.headers)}`,
						request_id: TEST_API_KEY,
					};
				});
			return undefined;
		},
		message: () => httpFailureMessage(400, TARGET, 'echo'),
		details: {
			description: expect.stringMatching(/^HTTP 400\. Woodpecker's message: "Rejected headers: .*\[redacted\].*"\. Code: BAD_REQUEST \(VALIDATION_ERROR\)\. Request ID: \[redacted\]\.$/),
			http_status: 400,
			code: 'BAD_REQUEST',
			woodpecker_message: expect.stringMatching(/^Rejected headers: .*"x-api-key":"\[redacted\]".*$/),
			request_id: '[redacted]',
			timestamp: null,
			attempts: 1,
		},
		requests: 1,
	},
];

const IDS = { company_id: 123, account_id: 456 };

describe.each(failureCases)('Generate Connect Link, $name', (failure) => {
	async function run(onError: OnError) {
		const recorded: RecordedRequest[] = [];
		const credentials = (await failure.arrange(recorded)) ?? undefined;
		const result = await runWorkflow({
			items: [INPUT],
			parameters: { ...BY_FIELD, options: { ...FAST_RETRIES, ...failure.options } },
			onError,
			credentials,
			readOnError: '={{ [$json.error.message, $json.error.http_status, $json.error.code, $json.error.request_id, $json.error.company_id, $json.error.account_id] }}',
		});
		await resettingServer.value.close();
		expect(recorded).toEqual(Array(failure.requests).fill(expectedConnectLinkRequest(TEST_API_KEY, 123, 456)));
		expectNoKeyAnywhere(result);
		return result;
	}

	test('stop workflow fails execution', async () => {
		const result = await run('stopWorkflow');

		expect(result.executionError?.message).toBe(failure.message());
		expect(result.executionError?.description).toEqual(failure.details.description);
		expect((result.executionError as unknown as { context: IDataObject }).context.itemIndex).toBe(0);
		expect(result.success).toEqual([]);
		expect(result.errors).toEqual([]);
	});

	test('regular output carries error item', async () => {
		const result = await run('continueRegularOutput');

		expect(result.executionError).toBeUndefined();
		expect(result.errors).toEqual([]);
		expect(result.success).toEqual([
			{ json: { error: { message: failure.message(), ...failure.details, ...IDS } }, pairedItem: { item: 0 } },
		]);
	});

	test('error output carries error item', async () => {
		const result = await run('continueErrorOutput');

		expect(result.executionError).toBeUndefined();
		expect(result.success).toEqual([]);
		expect(result.errors).toEqual([
			{
				json: { ...INPUT, error: { message: failure.message(), ...failure.details, ...IDS } },
				pairedItem: { item: 0 },
			},
		]);
		expect(result.readError).toEqual([
			[failure.message(), failure.details.http_status, failure.details.code, failure.details.request_id, 123, 456],
		]);
	});
});

describe('Generate Connect Link, three items one invalid', () => {
	const items = [
		{ company: 123, account: 456 },
		{ company: 'acme', account: 457 },
		{ company: '124', account: 460 },
	];
	const invalidMessage = invalidIdMessage('companyId', 'acme', 'not a whole number');
	const invalidDetails = notSentDetails(NO_REQUEST_SENT, 'acme', 457);

	function arrange(recorded: RecordedRequest[], secondLink: boolean) {
		const scope = woodpeckerScope(recorded)
			.post(connectLinkPath(123, 456))
			.reply(201, { account_id: 456, connect_account_link: `${LINK}-1` });
		if (secondLink) {
			scope.post(connectLinkPath(124, 460)).reply(201, { account_id: 460, connect_account_link: `${LINK}-3` });
		}
		return scope;
	}

	const success = (index: number, companyId: number, accountId: number) => ({
		json: {
			account_id: accountId,
			connect_account_link: `${LINK}-${index + 1}`,
			company_id: companyId,
			expires_at: expect.any(String),
		},
		pairedItem: { item: index },
	});

	test('stop workflow halts at invalid item', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = arrange(recorded, false);

		const result = await runWorkflow({ items, parameters: BY_FIELD, onError: 'stopWorkflow' });

		expect(scope.isDone()).toBe(true);
		expect(recorded).toEqual([expectedConnectLinkRequest(TEST_API_KEY, 123, 456)]);
		expect(result.executionError?.message).toBe(invalidMessage);
		expect((result.executionError as unknown as { context: IDataObject }).context.itemIndex).toBe(1);
		expect(result.success).toEqual([]);
	});

	test('regular output keeps item order', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = arrange(recorded, true);

		const result = await runWorkflow({ items, parameters: BY_FIELD, onError: 'continueRegularOutput' });

		expect(scope.isDone()).toBe(true);
		expect(recorded).toEqual([
			expectedConnectLinkRequest(TEST_API_KEY, 123, 456),
			expectedConnectLinkRequest(TEST_API_KEY, 124, 460),
		]);
		expect(result.success).toEqual([
			success(0, 123, 456),
			{ json: { error: { message: invalidMessage, ...invalidDetails } }, pairedItem: { item: 1 } },
			success(2, 124, 460),
		]);
		expect(result.errors).toEqual([]);
		expectNoKeyAnywhere(result);
	});

	test('error output splits the items', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = arrange(recorded, true);

		const result = await runWorkflow({ items, parameters: BY_FIELD, onError: 'continueErrorOutput' });

		expect(scope.isDone()).toBe(true);
		expect(recorded).toHaveLength(2);
		expect(result.success).toEqual([success(0, 123, 456), success(2, 124, 460)]);
		expect(result.errors).toEqual([
			{ json: { ...items[1], error: { message: invalidMessage, ...invalidDetails } }, pairedItem: { item: 1 } },
		]);
		expect(result.readSuccess.map((json) => json.connect_account_link)).toEqual([`${LINK}-1`, `${LINK}-3`]);
		expectNoKeyAnywhere(result);
	});
});

describe('Generate Connect Link, invalid base URL', () => {
	test('every item fails without a request', async () => {
		const recorded: RecordedRequest[] = [];
		woodpeckerScope(recorded).post(/.*/).reply(201, {});
		const items = [INPUT, { ...INPUT, account: 457 }];

		const result = await runWorkflow({
			items,
			parameters: BY_FIELD,
			onError: 'continueErrorOutput',
			credentials: { apiKey: TEST_API_KEY, baseUrl: 'api.woodpecker.co' },
		});

		expect(recorded).toEqual([]);
		expect(result.success).toEqual([]);
		const message = invalidBaseUrlMessage('api.woodpecker.co');
		expect(result.errors.map((item) => [(item.json.error as IDataObject).message, item.pairedItem])).toEqual([
			[message, { item: 0 }],
			[message, { item: 1 }],
		]);
		expect(result.errors[1].json.error).toEqual({ message, ...notSentDetails(BASE_URL_NOT_SENT, 123, 457) });
	});
});

describe('Generate Connect Link, pasted key and BOM', () => {
	test('key trimmed and BOM ignored', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.post(connectLinkPath(123, 456))
			.reply(201, `\uFEFF${JSON.stringify({ account_id: 456, connect_account_link: LINK })}`, {
				'Content-Type': 'application/json; charset=utf-8',
			});

		const result = await runWorkflow({
			items: [INPUT],
			parameters: BY_FIELD,
			credentials: { apiKey: ` ${TEST_API_KEY}\n`, baseUrl: TEST_BASE_URL },
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded).toEqual([expectedConnectLinkRequest(TEST_API_KEY, 123, 456)]);
		expect(result.success.map((item) => item.json.connect_account_link)).toEqual([LINK]);
	});
});
