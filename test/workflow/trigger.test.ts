/**
 * The Woodpecker LinkedIn Trigger in n8n-core's contexts: the webhook lifecycle against nock in
 * place of Woodpecker, with every request checked, and the handling of deliveries.
 */
import nock from 'nock';

import { TEST_API_KEY, TEST_BASE_URL } from './harness';
import {
	deliver,
	runWebhookMethod,
	TEST_WEBHOOK_URL,
	WEBHOOK_URL,
	type TriggerSetup,
} from './trigger-harness';
import { woodpeckerScope, type RecordedRequest } from './woodpecker-mock';

const CONNECTED = 'linkedin_automation_account_connected';
const DISCONNECTED = 'linkedin_automation_account_disconnected';
const BOTH: TriggerSetup = { parameters: { events: [CONNECTED, DISCONNECTED] } };
const FOR_COMPANY: TriggerSetup = {
	parameters: { events: [DISCONNECTED], companyId: { __rl: true, mode: 'list', value: '123' } },
};
const OTHER_URL = 'https://hooks.other-tool.example/woodpecker';

let recorded: RecordedRequest[];

beforeEach(() => {
	recorded = [];
});

afterEach(() => {
	nock.cleanAll();
});

function listAnswer(webhooks: Array<{ target_url: string; event: string }>) {
	return { webhooks };
}

/** Builds the exact request the node sends for a webhook call. */
function webhookRequest(method: string, path: string, body: unknown, companyId?: number) {
	return {
		method,
		path,
		headers: expect.objectContaining({
			'x-api-key': TEST_API_KEY,
			...(companyId === undefined ? {} : { 'x-company-id': String(companyId) }),
		}),
		body: body === undefined ? '' : JSON.stringify(body),
	};
}

const list = (companyId?: number) => webhookRequest('GET', '/rest/v2/webhooks', undefined, companyId);
const subscribeRequest = (event: string, companyId?: number, url = WEBHOOK_URL) =>
	webhookRequest('POST', '/rest/v1/webhooks/subscribe', { target_url: url, event }, companyId);
const unsubscribeRequest = (event: string, companyId?: number, url = WEBHOOK_URL) =>
	webhookRequest('POST', '/rest/v1/webhooks/unsubscribe', { target_url: url, event }, companyId);
const stored = (event: string, companyId: number | null = null, targetUrl = WEBHOOK_URL) => ({ event, targetUrl, companyId });

describe('checking for the subscription', () => {
	test.each([
		['both events with this URL', [CONNECTED, DISCONNECTED], true],
		['one event missing', [CONNECTED], false],
		['none', [], false],
	])('%s', async (_name, subscribed, expected) => {
		woodpeckerScope(recorded)
			.get('/rest/v2/webhooks')
			.reply(200, listAnswer([{ target_url: OTHER_URL, event: DISCONNECTED }, ...subscribed.map((event) => ({ target_url: WEBHOOK_URL, event }))]));

		const outcome = await runWebhookMethod('checkExists', BOTH);

		expect(outcome.error).toBeUndefined();
		expect(outcome.result).toBe(expected);
		expect(recorded).toEqual([list()]);
	});

	test('the same event at another URL is not this subscription', async () => {
		woodpeckerScope(recorded).get('/rest/v2/webhooks').reply(200, listAnswer([{ target_url: `${WEBHOOK_URL}/x`, event: DISCONNECTED }]));

		const outcome = await runWebhookMethod('checkExists', FOR_COMPANY);

		expect(outcome.result).toBe(false);
		expect(recorded).toEqual([list(123)]);
	});
});

describe('activation', () => {
	test('subscribes each selected event', async () => {
		const scope = woodpeckerScope(recorded);
		scope.get('/rest/v2/webhooks').reply(200, listAnswer([{ target_url: OTHER_URL, event: CONNECTED }]));
		scope
			.post('/rest/v1/webhooks/subscribe')
			.times(2)
			.reply(200, (_uri, body) => ({ ...(body as object), message: 'Subscribed.' }));

		const outcome = await runWebhookMethod('create', BOTH);

		expect(outcome.error).toBeUndefined();
		expect(outcome.result).toBe(true);
		expect(recorded).toEqual([list(), subscribeRequest(CONNECTED), subscribeRequest(DISCONNECTED)]);
		expect(outcome.staticData).toEqual({ subscriptions: [stored(CONNECTED), stored(DISCONNECTED)] });
		expect(outcome.staticDataChanged).toBe(true);
		expect(scope.isDone()).toBe(true);
	});

	test('sends x-company-id for a company', async () => {
		const scope = woodpeckerScope(recorded);
		scope.get('/rest/v2/webhooks').reply(200, listAnswer([]));
		scope.post('/rest/v1/webhooks/subscribe').reply(200, { target_url: WEBHOOK_URL, event: DISCONNECTED, message: 'Subscribed.' });

		const outcome = await runWebhookMethod('create', FOR_COMPANY);

		expect(outcome.result).toBe(true);
		expect(recorded).toEqual([list(123), subscribeRequest(DISCONNECTED, 123)]);
		expect(outcome.staticData).toEqual({ subscriptions: [stored(DISCONNECTED, 123)] });
	});

	test('keeps an existing subscription and adds the missing one', async () => {
		const scope = woodpeckerScope(recorded);
		scope.get('/rest/v2/webhooks').reply(200, listAnswer([{ target_url: WEBHOOK_URL, event: DISCONNECTED }]));
		scope.post('/rest/v1/webhooks/subscribe').reply(200, { target_url: WEBHOOK_URL, event: CONNECTED, message: 'Subscribed.' });

		const outcome = await runWebhookMethod('create', BOTH);

		expect(outcome.result).toBe(true);
		expect(recorded).toEqual([list(), subscribeRequest(CONNECTED)]);
		expect(outcome.staticData).toEqual({ subscriptions: [stored(DISCONNECTED), stored(CONNECTED)] });
	});

	test('test URL while the editor listens', async () => {
		const scope = woodpeckerScope(recorded);
		scope.get('/rest/v2/webhooks').reply(200, listAnswer([]));
		scope.post('/rest/v1/webhooks/subscribe').reply(200, { message: 'Subscribed.' });

		const outcome = await runWebhookMethod('create', { parameters: { events: [CONNECTED] } }, { test: true });

		expect(outcome.result).toBe(true);
		expect(recorded).toEqual([list(), subscribeRequest(CONNECTED, undefined, TEST_WEBHOOK_URL)]);
	});

	test('limit of three fails and undoes the earlier event', async () => {
		const scope = woodpeckerScope(recorded);
		const full = ['https://a.example/1', 'https://a.example/2', 'https://b.example/3'].map((target_url) => ({ target_url, event: DISCONNECTED }));
		scope.get('/rest/v2/webhooks').reply(200, listAnswer(full));
		scope.post('/rest/v1/webhooks/subscribe').reply(200, { message: 'Subscribed.' });
		scope.post('/rest/v1/webhooks/unsubscribe').reply(200, '');

		const outcome = await runWebhookMethod('create', BOTH);

		expect(outcome.result).toBeUndefined();
		expect(outcome.error?.message).toBe(
			"Woodpecker allows 3 webhook subscriptions to Account Disconnected per account, and the API key's own account already has 3 (webhooks at https://a.example, https://b.example). " +
				'Free one: unpublish another workflow that listens to Account Disconnected for the same company, stop listening for a test event in the editor (a trigger under test uses one more), or remove one of those webhooks in Woodpecker. Then publish or test this workflow again.',
		);
		expect(outcome.error?.description).toBe('No webhook was subscribed, so the workflow was not activated.');
		expect(recorded).toEqual([list(), subscribeRequest(CONNECTED), unsubscribeRequest(CONNECTED)]);
		expect(outcome.staticData).toEqual({});
		expect(scope.isDone()).toBe(true);
	});

	test('limit answer from Woodpecker names the limit', async () => {
		const scope = woodpeckerScope(recorded);
		scope.get('/rest/v2/webhooks').reply(200, listAnswer([]));
		scope
			.post('/rest/v1/webhooks/subscribe')
			.reply(409, { title: 'Conflict', status: 409, detail: 'Webhook limit reached for this event.', timestamp: '2026-12-05T10:00:00Z' });

		const outcome = await runWebhookMethod('create', FOR_COMPANY);

		expect(outcome.error?.message).toMatch(/^Woodpecker allows 3 webhook subscriptions to Account Disconnected per account, and company 123 already has 3\. /);
		expect(recorded).toEqual([list(123), subscribeRequest(DISCONNECTED, 123)]);
		expect(outcome.staticData).toEqual({});
	});

	test('other refusal keeps Woodpecker\'s status and undoes nothing it did not add', async () => {
		const scope = woodpeckerScope(recorded);
		scope.get('/rest/v2/webhooks').reply(200, listAnswer([]));
		scope.post('/rest/v1/webhooks/subscribe').reply(401, { title: 'Unauthorized', status: 401, detail: 'Invalid API key', timestamp: '2026-12-05T10:00:00Z' });

		const outcome = await runWebhookMethod('create', BOTH);

		expect(outcome.error?.message).toBe(
			"Woodpecker rejected the API key for the webhook subscriptions of the API key's own account (HTTP 401). Check that the Woodpecker API credential holds a valid agency API key.",
		);
		expect(recorded).toEqual([list(), subscribeRequest(CONNECTED)]);
		expect(outcome.staticData).toEqual({});
	});

	test('local webhook URL with a remote Woodpecker fails', async () => {
		// The base URL is never contacted: the check comes first, and nock allows only 127.0.0.1.
		const outcome = await runWebhookMethod('create', {
			...BOTH,
			credentials: { apiKey: TEST_API_KEY, baseUrl: 'https://api.woodpecker.invalid' },
		});

		expect(outcome.error?.message).toBe(
			`The trigger's webhook URL ${WEBHOOK_URL} points at this machine, so Woodpecker cannot reach it. ` +
				"Set n8n's WEBHOOK_URL environment variable to the public address of this n8n, for example https://n8n.your-agency.example/, restart n8n and activate the workflow again.",
		);
		expect(outcome.staticData).toEqual({});
	});

	test.each([
		['no event', { events: [] }, 'No event is selected under Events. Select Account Connected, Account Disconnected or both.'],
		['unknown event', { events: ['prospect_replied'] }, 'Events ["prospect_replied"] contains a value that is not a Woodpecker LinkedIn event. Select Account Connected, Account Disconnected or both.'],
		[
			'invalid company',
			{ events: [CONNECTED], companyId: { __rl: true, mode: 'id', value: '12a' } },
			'Company ID "12a" is not a whole number. Enter the numeric ID of the client company in Woodpecker, for example 123.',
		],
	])('%s fails before any request', async (_name, parameters, message) => {
		woodpeckerScope(recorded).get('/rest/v2/webhooks').reply(200, listAnswer([]));

		const outcome = await runWebhookMethod('create', { parameters });

		expect(outcome.error?.message).toBe(message);
		expect(recorded).toEqual([]);
	});
});

describe('deactivation', () => {
	test('removes exactly what was recorded', async () => {
		const scope = woodpeckerScope(recorded);
		scope.post('/rest/v1/webhooks/unsubscribe').times(2).reply(200, '');

		const outcome = await runWebhookMethod('delete', {
			// The Company was changed after activation: the recorded company counts.
			parameters: { events: [CONNECTED], companyId: { __rl: true, mode: 'id', value: '124' } },
			staticData: { subscriptions: [stored(CONNECTED, 123), stored(DISCONNECTED, 123)] },
		});

		expect(outcome.error).toBeUndefined();
		expect(outcome.result).toBe(true);
		expect(recorded).toEqual([unsubscribeRequest(CONNECTED, 123), unsubscribeRequest(DISCONNECTED, 123)]);
		expect(outcome.staticData).toEqual({});
		expect(outcome.staticDataChanged).toBe(true);
		expect(scope.isDone()).toBe(true);
	});

	test('without a record, those listed at this URL', async () => {
		const scope = woodpeckerScope(recorded);
		scope.get('/rest/v2/webhooks').reply(
			200,
			listAnswer([
				{ target_url: OTHER_URL, event: DISCONNECTED },
				{ target_url: WEBHOOK_URL, event: CONNECTED },
			]),
		);
		scope.post('/rest/v1/webhooks/unsubscribe').reply(200, '');

		const outcome = await runWebhookMethod('delete', FOR_COMPANY);

		expect(outcome.result).toBe(true);
		// Account Connected is no longer selected, but it has this node's URL, so it is this node's.
		expect(recorded).toEqual([list(123), unsubscribeRequest(CONNECTED, 123)]);
		expect(scope.isDone()).toBe(true);
	});

	test('without a record or a match, nothing is removed', async () => {
		woodpeckerScope(recorded).get('/rest/v2/webhooks').reply(200, listAnswer([{ target_url: OTHER_URL, event: CONNECTED }]));

		const outcome = await runWebhookMethod('delete', BOTH);

		expect(outcome.result).toBe(true);
		expect(recorded).toEqual([list()]);
	});

	test('one already gone counts as removed', async () => {
		const scope = woodpeckerScope(recorded);
		scope.post('/rest/v1/webhooks/unsubscribe').reply(404, { title: 'Not Found', status: 404, detail: 'No such subscription', timestamp: '2026-12-05T10:00:00Z' });
		scope.post('/rest/v1/webhooks/unsubscribe').reply(200, '');

		const outcome = await runWebhookMethod('delete', { ...BOTH, staticData: { subscriptions: [stored(CONNECTED), stored(DISCONNECTED)] } });

		expect(outcome.result).toBe(true);
		expect(recorded).toHaveLength(2);
		expect(outcome.staticData).toEqual({});
	});

	test('a failure keeps that subscription recorded and tries the rest', async () => {
		const scope = woodpeckerScope(recorded);
		// The first removal fails on all three attempts of a webhook set-up.
		scope.post('/rest/v1/webhooks/unsubscribe').times(3).reply(503, '<html><title>503 Service Unavailable</title></html>');
		scope.post('/rest/v1/webhooks/unsubscribe').reply(200, '');

		const outcome = await runWebhookMethod('delete', { ...BOTH, staticData: { subscriptions: [stored(CONNECTED), stored(DISCONNECTED)] } });

		expect(outcome.error?.message).toBe(
			"Woodpecker failed with HTTP 503 for the webhook subscriptions of the API key's own account (3 attempts). Try again later.",
		);
		expect(recorded).toEqual([unsubscribeRequest(CONNECTED), unsubscribeRequest(CONNECTED), unsubscribeRequest(CONNECTED), unsubscribeRequest(DISCONNECTED)]);
		expect(outcome.staticData).toEqual({ subscriptions: [stored(CONNECTED)] });
		expect(scope.isDone()).toBe(true);
	});

	test('the API key stays out of errors and logs', async () => {
		woodpeckerScope(recorded).post('/rest/v1/webhooks/unsubscribe').times(3).reply(500, { message: `bad key ${TEST_API_KEY}` });

		const outcome = await runWebhookMethod('delete', { parameters: { events: [CONNECTED] }, staticData: { subscriptions: [stored(CONNECTED)] } });

		expect(outcome.error).toBeDefined();
		const everything = JSON.stringify([outcome.error?.message, outcome.error?.description, (outcome.error as { context?: unknown }).context, outcome.logs]);
		expect(everything).not.toContain(TEST_API_KEY);
		expect(everything).toContain('[redacted]');
	});
});

const ADA = {
	id: 456,
	session_status: 'CONNECTED',
	full_name: 'Ada Lovelace',
	linkedin_url: 'https://www.linkedin.com/in/ada-lovelace-example',
	level: 'PREMIUM',
};
const connectedEvent = { method: CONNECTED, linkedin_account: ADA, timestamp: '2026-12-05T09:30:00.000Z', firm_id: 123 };
const disconnectedEvent = {
	method: DISCONNECTED,
	linkedin_account: { ...ADA, id: 457, full_name: 'Grace Hopper', session_status: 'DISCONNECTED', level: null },
	timestamp: '2026-12-05T09:31:00.000Z',
	firm_id: 123,
};
const JSON_HEADERS = { 'Content-Type': 'application/json' };

describe('deliveries', () => {
	test('one item per event, in order', async () => {
		const result = await deliver(BOTH, { headers: JSON_HEADERS, body: [connectedEvent, disconnectedEvent] });

		expect(result.response).toEqual({ status: 200, body: { message: 'Workflow was started' } });
		expect(result.returned).toEqual({
			noWebhookResponse: true,
			workflowData: [
				[
					{
						json: {
							event: CONNECTED,
							account_id: 456,
							full_name: 'Ada Lovelace',
							linkedin_url: 'https://www.linkedin.com/in/ada-lovelace-example',
							session_status: 'CONNECTED',
							level: 'PREMIUM',
							timestamp: '2026-12-05T09:30:00.000Z',
							firm_id: 123,
							company_id: 123,
						},
					},
					{
						json: {
							event: DISCONNECTED,
							account_id: 457,
							full_name: 'Grace Hopper',
							linkedin_url: 'https://www.linkedin.com/in/ada-lovelace-example',
							session_status: 'DISCONNECTED',
							level: null,
							timestamp: '2026-12-05T09:31:00.000Z',
							firm_id: 123,
							company_id: 123,
						},
					},
				],
			],
		});
		// Only the event names are logged.
		expect(result.logs).toEqual([{ level: 'debug', message: 'Woodpecker webhook delivery received', meta: { events: [CONNECTED, DISCONNECTED] } }]);
	});

	test('the Company field gives company_id', async () => {
		const result = await deliver(FOR_COMPANY, { headers: JSON_HEADERS, body: [{ ...disconnectedEvent, firm_id: 999 }] });

		expect(result.returned.workflowData?.[0].map((item) => [item.json.firm_id, item.json.company_id])).toEqual([[999, 123]]);
	});

	test('events not selected start nothing', async () => {
		const result = await deliver(FOR_COMPANY, { headers: JSON_HEADERS, body: [connectedEvent] });

		expect(result.returned).toEqual({ noWebhookResponse: true });
		expect(result.response).toEqual({ status: 200, body: { message: 'Received. None of its events is selected in this trigger.' } });
	});

	test('numeric text id is read as a number', async () => {
		const result = await deliver(BOTH, { headers: JSON_HEADERS, body: [{ ...connectedEvent, linkedin_account: { ...ADA, id: ' 456 ' } }] });

		expect(result.returned.workflowData?.[0].map((item) => item.json.account_id)).toEqual([456]);
	});

	test('only the selected events become items', async () => {
		const result = await deliver(FOR_COMPANY, { headers: JSON_HEADERS, body: [connectedEvent, disconnectedEvent] });

		expect(result.returned.workflowData?.[0].map((item) => item.json.event)).toEqual([DISCONNECTED]);
	});

	const CANARY = 'canary-9d2f-from-the-request';
	test.each([
		['wrong method', { method: 'PUT', headers: JSON_HEADERS, body: [connectedEvent] }, 405, 'Woodpecker delivers events with POST.'],
		['not JSON', { headers: { 'Content-Type': 'text/plain' }, body: CANARY }, 415, 'Expected a JSON body with Content-Type: application/json.'],
		['no content type', { body: [connectedEvent] }, 415, 'Expected a JSON body with Content-Type: application/json.'],
		['an object', { headers: JSON_HEADERS, body: { ...connectedEvent, note: CANARY } }, 400, 'Expected a JSON array of Woodpecker events.'],
		['an empty array', { headers: JSON_HEADERS, body: [] }, 400, 'Expected a JSON array of Woodpecker events.'],
		['unknown event', { headers: JSON_HEADERS, body: [connectedEvent, { ...connectedEvent, method: CANARY }] }, 400, 'Element 1 is not a Woodpecker LinkedIn account event.'],
		['not an object', { headers: JSON_HEADERS, body: [CANARY] }, 400, 'Element 0 is not a Woodpecker LinkedIn account event.'],
		[
			'account id not numeric',
			{ headers: JSON_HEADERS, body: [{ ...connectedEvent, linkedin_account: { ...ADA, id: '45x' } }] },
			400,
			'Element 0 has no LinkedIn account with a numeric id.',
		],
		[
			'account id missing',
			{ headers: JSON_HEADERS, body: [{ ...connectedEvent, linkedin_account: { full_name: 'Ada Lovelace' } }] },
			400,
			'Element 0 has no LinkedIn account with a numeric id.',
		],
		['no account', { headers: JSON_HEADERS, body: [{ ...connectedEvent, linkedin_account: null, note: CANARY }] }, 400, 'Element 0 has no LinkedIn account with a numeric id.'],
	])('%s is rejected and starts nothing', async (_name, request, status, message) => {
		const result = await deliver(BOTH, request);

		expect(result.returned).toEqual({ noWebhookResponse: true });
		expect(result.response).toEqual({ status, body: { message } });
		expect(result.logs).toEqual([{ level: 'warn', message: 'Woodpecker webhook delivery rejected', meta: { status, reason: message } }]);
		expect(JSON.stringify(result.logs)).not.toContain(CANARY);
	});
});

// The webhook URL and base URL come from the test constants, so no request leaves 127.0.0.1.
test('test constants stay local', () => {
	expect(new URL(TEST_BASE_URL).hostname).toBe('127.0.0.1');
	expect(new URL(WEBHOOK_URL).hostname).toBe('127.0.0.1');
});
