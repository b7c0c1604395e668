'use strict';

/**
 * End-to-end test of the Woodpecker LinkedIn Trigger in a running n8n (`n8n start`). Activation
 * subscribes the trigger's webhook URL in the local Woodpecker sandbox, and events that the
 * sandbox delivers start executions. Invalid requests to the webhook start none, and
 * deactivation removes exactly what activation added. The example
 * examples/reconnect-on-disconnect.json is imported unchanged, with credentials of the ids it
 * references, and its email goes to an SMTP sink. Everything runs on 127.0.0.1.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const nodePath = require('node:path');
const { after, before, describe, test } = require('node:test');

const { startSandbox } = require('../sandbox/server');
const n8n = require('../../scripts/lib/n8n');
const { parseMessage, startSmtpSink } = require('../../scripts/lib/smtp-sink');
const { woodpeckerCredential } = require('../../scripts/lib/workflows');

const VERSION = process.env.N8N_VERSION || '2.41.1';
const SANDBOX_KEY = 'sandbox-agency-key';
const TRIGGER_TYPE = `${n8n.PACKAGE_NAME}.woodpeckerLinkedInTrigger`;
const CONNECTED = 'linkedin_automation_account_connected';
const DISCONNECTED = 'linkedin_automation_account_disconnected';
const SEED = JSON.parse(fs.readFileSync(nodePath.join(__dirname, '..', 'sandbox', 'seed.json'), 'utf8'));
const COMPANY = SEED.companies.find(({ id }) => id === 123);
const ADA = COMPANY.linkedin_accounts.find(({ id }) => id === 456);
// A subscription of another application in the agency scope. The sandbox only stores it,
// because it delivers to 127.0.0.1 and localhost only.
const OTHER_TARGET = 'https://other.example/hook';
const NOT_DELIVERED = 'not delivered: the sandbox delivers only to 127.0.0.1';
const LINK = /^https:\/\/app\.woodpecker\.co\/linkedin\/connect\?token=sbx_[0-9a-f]{32}$/;
const LINK_IN_TEXT = /https:\/\/app\.woodpecker\.co\/linkedin\/connect\?token=sbx_[0-9a-f]{32}/g;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WAIT_MS = 30_000;
const TEST_TIMEOUT_MS = 90_000;

const example = JSON.parse(fs.readFileSync(nodePath.join(n8n.ROOT, 'examples', 'reconnect-on-disconnect.json'), 'utf8'));
const EXAMPLE_TRIGGER = example.nodes.find((node) => node.type === TRIGGER_TYPE);
const EXAMPLE_MANAGER = example.nodes.find((node) => node.name === 'Email account manager');
const EXAMPLE_WOODPECKER = example.nodes.find((node) => node.name === 'Generate connect link');
const WOODPECKER_REFERENCE = EXAMPLE_TRIGGER.credentials.woodpeckerApi;
const SMTP_REFERENCE = EXAMPLE_MANAGER.credentials.smtp;

/**
 * Builds a workflow whose trigger selects both events and no company, so that it subscribes with
 * the API key's own account, followed by a No Operation node. n8n 1.123 saves static data only
 * for workflow ids of at most 16 characters (`isWorkflowIdValid`), so the id stays within that.
 */
function bothEventsWorkflow() {
	return {
		id: 'wpE2eTriggerBoth',
		name: 'E2E trigger on both events',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'trigger',
				name: 'Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: 'c5f1b7a2-3d4e-4f60-8a9b-0c1d2e3f4a5b',
				parameters: { events: [CONNECTED, DISCONNECTED] },
				credentials: { woodpeckerApi: { ...WOODPECKER_REFERENCE } },
			},
			{
				id: 'no-op',
				name: 'No Operation',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: {
			Trigger: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] },
		},
	};
}

const both = bothEventsWorkflow();

/**
 * Builds a workflow whose trigger watches company 124 for both events. The test fills that
 * company's subscriptions to Account Disconnected up to Woodpecker's limit first.
 */
function fullCompanyWorkflow() {
	const workflow = bothEventsWorkflow();
	workflow.id = 'wpE2eTriggerFull';
	workflow.name = 'E2E trigger at the limit';
	workflow.nodes[0].webhookId = 'd6e2c8b3-4e5f-4a71-9bac-1d2e3f4a5b6c';
	workflow.nodes[0].parameters.companyId = { __rl: true, mode: 'id', value: '124' };
	return workflow;
}

const full = fullCompanyWorkflow();
const FULL_TARGETS = ['https://a.example/1', 'https://a.example/2', 'https://b.example/3'];

const state = {};

/** Returns the production URL that n8n gives a webhook node with the path `webhook`. */
function webhookUrl(workflow) {
	const trigger = workflow.nodes.find((node) => node.type === TRIGGER_TYPE);
	return `${state.server.url}/webhook/${trigger.webhookId}/webhook`;
}

/** Polls `check` until it returns a value other than undefined, and returns that value. */
async function waitFor(description, check, timeoutMs = WAIT_MS) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}. Last n8n output:\n${state.server.output().slice(-4000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** Calls n8n's REST API as the owner, checks for HTTP 200, and returns the response's `data`. */
async function rest(method, path, body) {
	const response = await fetch(`${state.server.url}/rest${path}`, {
		method,
		headers: { 'Content-Type': 'application/json', cookie: state.cookie },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	assert.equal(response.status, 200, `${method} /rest${path} returned HTTP ${response.status}: ${text}`);
	return JSON.parse(text).data;
}

/** Activates the current version of a workflow. n8n 1.123 and 2.41 both require its versionId. */
async function activate(workflowId) {
	const { versionId } = await rest('GET', `/workflows/${workflowId}`);
	const workflow = await rest('POST', `/workflows/${workflowId}/activate`, { versionId });
	assert.equal(workflow.active, true);
}

/**
 * Asks n8n to activate a workflow that must fail, and returns n8n's error message. n8n 1.123 fails
 * the REST call. n8n 2.41 accepts it, activates afterwards, and reports the failed trigger in the
 * workflow's publication status, which the editor shows.
 */
async function activationError(workflowId) {
	const { versionId } = await rest('GET', `/workflows/${workflowId}`);
	const response = await fetch(`${state.server.url}/rest/workflows/${workflowId}/activate`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', cookie: state.cookie },
		body: JSON.stringify({ versionId }),
	});
	const body = await response.json();
	if (response.status !== 200) return body.message;
	return await waitFor('the failed publication', async () => {
		const publication = await rest('GET', `/workflows/${workflowId}/publication-status`);
		if (publication.status !== 'failed') return undefined;
		assert.equal(publication.triggers.length, 1);
		assert.equal(publication.triggers[0].status, 'failed');
		return publication.triggers[0].errorMessage;
	});
}

async function deactivate(workflowId) {
	const workflow = await rest('POST', `/workflows/${workflowId}/deactivate`, {});
	assert.equal(workflow.active, false);
}

/** Lists a workflow's executions, newest first, as n8n's executions list returns them. */
async function listExecutions(workflowId) {
	const query = new URLSearchParams({ filter: JSON.stringify({ workflowId }), limit: '50' });
	const { results } = await rest('GET', `/executions?${query}`);
	return results;
}

/**
 * Waits until a workflow has `count` executions and none of them is still new or running, and
 * returns them, newest first.
 */
async function waitForExecutions(workflowId, count) {
	return await waitFor(`${count} finished executions of ${workflowId}`, async () => {
		const executions = await listExecutions(workflowId);
		const finished = executions.every((execution) => !['new', 'running'].includes(execution.status));
		return executions.length >= count && finished ? executions : undefined;
	});
}

/**
 * Reads one execution with its run data. n8n 1.123 and 2.41 both return the run data as a string
 * in the `flatted` format, so it is parsed with the flatted package of the provisioned n8n.
 */
async function readRun(executionId) {
	const execution = await rest('GET', `/executions/${executionId}`);
	assert.equal(typeof execution.data, 'string');
	return { ...execution, data: state.flatted.parse(execution.data) };
}

/** Returns the JSON of the items of a node's first output in a run. */
function outputJson(run, nodeName) {
	const [items = []] = n8n.nodeOutputs(run, nodeName);
	return items.map((item) => item.json);
}

/**
 * Lists the requests the sandbox received, reduced to what the node controls. The key is
 * compared here, so that a failing assertion never prints it.
 */
function receivedRequests() {
	return state.sandbox.requests.map((request) => ({
		method: request.method,
		path: request.path,
		sandboxKey: request.headers['x-api-key'] === SANDBOX_KEY,
		companyHeader: request.headers['x-company-id'],
		body: request.body,
	}));
}

function listRequest(companyHeader) {
	return { method: 'GET', path: '/rest/v2/webhooks', sandboxKey: true, companyHeader, body: '' };
}

/** Builds the expected subscribe or unsubscribe request. The node sends target_url first. */
function subscriptionRequest(action, targetUrl, event, companyHeader) {
	return {
		method: 'POST',
		path: `/rest/v1/webhooks/${action}`,
		sandboxKey: true,
		companyHeader,
		body: JSON.stringify({ target_url: targetUrl, event }),
	};
}

/** Returns the sandbox's subscriptions of each scope, with a flag in place of the API key. */
function sandboxSubscriptions() {
	return state.sandbox.subscriptions().map(({ apiKey, companyId, webhooks }) => ({
		sandboxKey: apiKey === SANDBOX_KEY,
		companyId,
		webhooks,
	}));
}

/** Lists the subscriptions with GET /rest/v2/webhooks of the sandbox, as the node does. */
async function listSandboxWebhooks(companyId) {
	const headers = { 'x-api-key': SANDBOX_KEY };
	if (companyId !== undefined) headers['x-company-id'] = String(companyId);
	const response = await fetch(`${state.sandbox.url}/rest/v2/webhooks`, { headers });
	assert.equal(response.status, 200);
	return (await response.json()).webhooks;
}

/** Waits until the sandbox has received `count` requests and sent a response to each. */
async function waitForCompletedRequests(count) {
	await waitFor(`${count} completed sandbox requests`, () => {
		const requests = state.sandbox.requests;
		return requests.length === count && requests.every((request) => request.status !== null) ? true : undefined;
	});
}

/** Waits until the sandbox has responded to every request and received no new one for two seconds. */
async function waitForQuietSandbox() {
	let last = { count: -1, at: Date.now() };
	await waitFor('a quiet sandbox', () => {
		const { requests } = state.sandbox;
		if (requests.length !== last.count) last = { count: requests.length, at: Date.now() };
		const answered = requests.every((request) => request.status !== null);
		return answered && Date.now() - last.at >= 2000 ? true : undefined;
	}, 60_000);
}

/** Delivers an event through the sandbox and returns the results and the times around it. */
async function deliver(event, accountId) {
	const startedAt = Date.now();
	const results = await state.sandbox.deliverEvent({ event, accountId });
	return { results, startedAt, finishedAt: Date.now() };
}

/** Checks an item of the trigger against a seeded account of company 123. */
function assertTriggerItem(item, { event, account, sessionStatus, level }, delivery) {
	assert.deepEqual(Object.keys(item), [
		'event',
		'account_id',
		'full_name',
		'linkedin_url',
		'session_status',
		'level',
		'timestamp',
		'firm_id',
		'company_id',
	]);
	assert.deepEqual(item, {
		event,
		account_id: account.id,
		full_name: account.full_name,
		linkedin_url: account.linkedin_url,
		session_status: sessionStatus,
		level,
		timestamp: item.timestamp,
		firm_id: COMPANY.id,
		company_id: COMPANY.id,
	});
	assert.match(item.timestamp, ISO_UTC);
	const time = Date.parse(item.timestamp);
	assert.ok(time >= delivery.startedAt, `timestamp ${item.timestamp} is before the delivery`);
	assert.ok(time <= delivery.finishedAt, `timestamp ${item.timestamp} is after the delivery`);
}

/** Formats an ISO time as the example's email does with Luxon's "d LLLL yyyy, HH:mm" in UTC. */
function emailTime(iso) {
	const date = new Date(iso);
	const pad = (number) => String(number).padStart(2, '0');
	return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** Returns the metadata of the warnings that the trigger node logged, from n8n's JSON log lines. */
function triggerWarnings() {
	const warnings = [];
	for (const line of state.server.output().split('\n')) {
		let entry;
		try {
			entry = JSON.parse(line);
		} catch {
			continue;
		}
		if (entry?.level === 'warn' && entry.metadata?.file === 'WoodpeckerLinkedInTrigger.node.js') warnings.push(entry.metadata);
	}
	return warnings;
}

/** Sends a request to a webhook URL and returns the status and the parsed JSON body. */
async function callWebhook(url, { method = 'POST', contentType, body } = {}) {
	const headers = contentType === undefined ? {} : { 'Content-Type': contentType };
	const response = await fetch(url, { method, headers, body });
	const text = await response.text();
	return { status: response.status, contentType: response.headers.get('content-type'), json: JSON.parse(text) };
}

describe(`Woodpecker LinkedIn Trigger in n8n ${VERSION}`, () => {
	before(
		async () => {
			state.runtime = await n8n.provisionN8n();
			state.flatted = require(nodePath.join(state.runtime.n8nDir, 'node_modules', 'flatted'));
			state.sandbox = await startSandbox();
			state.sink = await startSmtpSink();
			const tarball = await n8n.packPackage();
			state.packFolder = nodePath.dirname(tarball);
			state.userFolder = await n8n.createUserFolder(tarball);

			const { host, port } = state.sink;
			await n8n.importCredentials(state.runtime, state.userFolder, [
				woodpeckerCredential(WOODPECKER_REFERENCE.id, WOODPECKER_REFERENCE.name, SANDBOX_KEY, state.sandbox.url),
				{
					...SMTP_REFERENCE,
					type: 'smtp',
					data: { host, port, secure: false, disableStartTls: true, user: '', password: '' },
				},
			]);
			await n8n.importWorkflows(state.runtime, state.userFolder, [both, example, full]);

			state.server = await n8n.startN8nServer(state.runtime, state.userFolder);
			state.cookie = await n8n.setUpOwner(state.server.url);
		},
		{ timeout: 300_000 },
	);

	after(async () => {
		await state.server?.stop();
		await state.sandbox?.close();
		await state.sink?.close();
		for (const folder of [state.userFolder, state.packFolder]) {
			if (folder) fs.rmSync(folder, { recursive: true, force: true });
		}
	});

	test('activation subscribes each trigger', { timeout: TEST_TIMEOUT_MS }, async () => {
		const bothUrl = webhookUrl(both);
		const exampleUrl = webhookUrl(example);

		// Another application's subscription to the same event, in the same scope as workflow (a).
		const other = await fetch(`${state.sandbox.url}/rest/v1/webhooks/subscribe`, {
			method: 'POST',
			headers: { 'x-api-key': SANDBOX_KEY, 'Content-Type': 'application/json' },
			body: JSON.stringify({ target_url: OTHER_TARGET, event: CONNECTED }),
		});
		assert.equal(other.status, 200);
		state.sandbox.clearRequests();

		// One after the other, so that the sandbox records the requests of each in one block.
		// n8n 2.41 activates through its publication outbox after the REST call has returned, so
		// the test waits for the sandbox in both versions.
		await activate(both.id);
		await waitForCompletedRequests(4);
		await activate(example.id);
		await waitForCompletedRequests(7);

		// For each trigger: the check whether its subscriptions exist, the list before subscribing,
		// and one subscription per selected event.
		assert.deepEqual(receivedRequests(), [
			listRequest(undefined),
			listRequest(undefined),
			subscriptionRequest('subscribe', bothUrl, CONNECTED, undefined),
			subscriptionRequest('subscribe', bothUrl, DISCONNECTED, undefined),
			listRequest('123'),
			listRequest('123'),
			subscriptionRequest('subscribe', exampleUrl, DISCONNECTED, '123'),
		]);
		assert.ok(state.sandbox.requests.every((request) => request.status === 200));

		assert.deepEqual(sandboxSubscriptions(), [
			{
				sandboxKey: true,
				companyId: null,
				webhooks: [
					{ target_url: OTHER_TARGET, event: CONNECTED },
					{ target_url: bothUrl, event: CONNECTED },
					{ target_url: bothUrl, event: DISCONNECTED },
				],
			},
			{ sandboxKey: true, companyId: 123, webhooks: [{ target_url: exampleUrl, event: DISCONNECTED }] },
		]);
		const controlResponse = await fetch(`${state.sandbox.url}/__sandbox/webhooks`);
		assert.deepEqual(
			await controlResponse.json(),
			state.sandbox.subscriptions().map((scope) => ({ ...scope, apiKey: '[redacted]' })),
		);
		assert.deepEqual(await listSandboxWebhooks(), [
			{ target_url: OTHER_TARGET, event: CONNECTED },
			{ target_url: bothUrl, event: CONNECTED },
			{ target_url: bothUrl, event: DISCONNECTED },
		]);
		assert.deepEqual(await listSandboxWebhooks(123), [{ target_url: exampleUrl, event: DISCONNECTED }]);

		// The trigger records what it subscribed in the workflow's static data, for deactivation.
		const staticData = await waitFor('the static data of workflow (a)', async () => {
			const workflow = await rest('GET', `/workflows/${both.id}`);
			return workflow.staticData?.['node:Trigger'] ?? undefined;
		});
		assert.deepEqual(staticData, {
			subscriptions: [
				{ event: CONNECTED, targetUrl: bothUrl, companyId: null },
				{ event: DISCONNECTED, targetUrl: bothUrl, companyId: null },
			],
		});
		// n8n 1.x keeps static data only for workflow ids of up to 16 characters, so the example's id is short.
		const exampleStaticData = await waitFor('the static data of the example', async () => {
			const workflow = await rest('GET', `/workflows/${example.id}`);
			return workflow.staticData?.['node:When an account disconnects'] ?? undefined;
		});
		assert.deepEqual(exampleStaticData, { subscriptions: [{ event: DISCONNECTED, targetUrl: exampleUrl, companyId: 123 }] });
	});

	test('connected event starts workflow (a) only', { timeout: TEST_TIMEOUT_MS }, async () => {
		state.sandbox.clearRequests();

		const delivery = await deliver(CONNECTED, ADA.id);

		// Company 123's scope has no subscription to this event, and the agency scope has two.
		assert.deepEqual(delivery.results, [
			{ target_url: OTHER_TARGET, error: NOT_DELIVERED },
			{ target_url: webhookUrl(both), status: 200 },
		]);
		const [execution] = await waitForExecutions(both.id, 1);
		assert.equal(execution.status, 'success');
		assert.equal(execution.mode, 'webhook');

		const run = await readRun(execution.id);
		const items = outputJson(run, 'Trigger');
		assert.equal(items.length, 1);
		assertTriggerItem(items[0], { event: CONNECTED, account: ADA, sessionStatus: 'CONNECTED', level: ADA.level }, delivery);
		assert.deepEqual(outputJson(run, 'No Operation'), items);

		assert.equal((await listExecutions(both.id)).length, 1);
		assert.deepEqual(await listExecutions(example.id), []);
		// A delivery needs no call to Woodpecker.
		assert.deepEqual(receivedRequests(), []);
		assert.equal(state.sink.messages.length, 0);
	});

	test('disconnected event emails a connect link', { timeout: TEST_TIMEOUT_MS }, async () => {
		state.sandbox.clearRequests();
		state.sink.clearMessages();

		const delivery = await deliver(DISCONNECTED, ADA.id);

		// Company 123's scope comes first, then the agency scope.
		assert.deepEqual(delivery.results, [
			{ target_url: webhookUrl(example), status: 200 },
			{ target_url: webhookUrl(both), status: 200 },
		]);
		const bothExecutions = await waitForExecutions(both.id, 2);
		const exampleExecutions = await waitForExecutions(example.id, 1);
		assert.equal(bothExecutions.length, 2);
		assert.equal(exampleExecutions.length, 1);
		assert.equal(bothExecutions[0].status, 'success');
		assert.equal(exampleExecutions[0].status, 'success');

		// The sandbox sends no level with a disconnection.
		const expected = { event: DISCONNECTED, account: ADA, sessionStatus: 'DISCONNECTED', level: null };
		const bothItems = outputJson(await readRun(bothExecutions[0].id), 'Trigger');
		assert.equal(bothItems.length, 1);
		assertTriggerItem(bothItems[0], expected, delivery);

		const run = await readRun(exampleExecutions[0].id);
		const [triggerItem] = outputJson(run, EXAMPLE_TRIGGER.name);
		assertTriggerItem(triggerItem, expected, delivery);
		assert.deepEqual(bothItems[0], triggerItem);

		const [links, failures = []] = n8n.nodeOutputs(run, EXAMPLE_WOODPECKER.name);
		assert.equal(failures.length, 0);
		assert.equal(links.length, 1);
		assert.deepEqual(Object.keys(links[0].json), ['account_id', 'connect_account_link', 'company_id', 'expires_at']);
		assert.equal(links[0].json.account_id, ADA.id);
		assert.equal(links[0].json.company_id, COMPANY.id);
		assert.match(links[0].json.connect_account_link, LINK);
		assert.match(links[0].json.expires_at, ISO_UTC);
		const link = links[0].json.connect_account_link;
		assert.equal(run.data.resultData.runData['Report failure'], undefined);

		assert.deepEqual(receivedRequests(), [
			{
				method: 'POST',
				path: `/rest/v2/agency/companies/${COMPANY.id}/linkedin_accounts/${ADA.id}/generate-connect-link`,
				sandboxKey: true,
				companyHeader: undefined,
				body: '',
			},
		]);

		assert.equal(state.sink.messages.length, 1);
		const [message] = state.sink.messages;
		const sent = parseMessage(message.data);
		assert.deepEqual(message.to, ['account-manager@agency.example']);
		assert.equal(sent.headers.subject, `Reconnect LinkedIn account ${ADA.full_name}`);
		assert.deepEqual(sent.text.match(LINK_IN_TEXT), [link]);
		assert.ok(sent.text.includes(`\n${link}\n`), 'the link is not on a line of its own');
		assert.ok(
			sent.text.startsWith(`LinkedIn logged the account ${ADA.full_name} out of Woodpecker at ${emailTime(triggerItem.timestamp)}.`),
			'the email does not name the account and the time of the event',
		);
		assert.ok(sent.text.includes(`The link works until ${emailTime(links[0].json.expires_at)}.`), 'the expiry is missing');
		assert.ok(sent.text.includes(`LinkedIn profile: ${ADA.linkedin_url}\n`), 'the profile is missing');
		assert.ok(sent.text.endsWith(`Woodpecker company ID: ${COMPANY.id}, account ID: ${ADA.id}`), 'the IDs are missing');
	});

	test('invalid requests start no execution', { timeout: TEST_TIMEOUT_MS }, async () => {
		const bothUrl = webhookUrl(both);
		const event = (method, account) => [{ method, linkedin_account: account, timestamp: new Date().toISOString(), firm_id: 123 }];
		const json = (value) => ({ contentType: 'application/json', body: JSON.stringify(value) });
		const cases = [
			{
				name: 'plain text',
				request: { contentType: 'text/plain', body: 'hello' },
				status: 415,
				message: 'Expected a JSON body with Content-Type: application/json.',
			},
			{
				name: 'JSON object',
				request: json({ method: CONNECTED, linkedin_account: { id: ADA.id } }),
				status: 400,
				message: 'Expected a JSON array of Woodpecker events.',
			},
			{ name: 'empty array', request: json([]), status: 400, message: 'Expected a JSON array of Woodpecker events.' },
			{
				name: 'unknown event',
				request: json(event('linkedin_automation_account_deleted', { id: ADA.id })),
				status: 400,
				message: 'Element 0 is not a Woodpecker LinkedIn account event.',
			},
			{
				name: 'account without numeric id',
				request: json(event(CONNECTED, { id: 'ada' })),
				status: 400,
				message: 'Element 0 has no LinkedIn account with a numeric id.',
			},
		];
		const bothBefore = (await listExecutions(both.id)).length;
		const exampleBefore = (await listExecutions(example.id)).length;

		for (const { name, request, status, message } of cases) {
			const response = await callWebhook(bothUrl, request);
			assert.equal(response.status, status, name);
			assert.match(response.contentType, /^application\/json/, name);
			assert.deepEqual(response.json, { message }, name);
		}

		// n8n itself rejects a body that is not valid JSON before the node receives it, and responds
		// to a method other than the webhook's with 404. Both response bodies also contain a stack trace.
		const invalidJson = await callWebhook(bothUrl, { contentType: 'application/json', body: '[{"method":' });
		assert.equal(invalidJson.status, 422);
		assert.equal(invalidJson.json.code, 422);
		assert.equal(invalidJson.json.message, 'Failed to parse request body');
		const get = await callWebhook(bothUrl, { method: 'GET' });
		assert.equal(get.status, 404);
		assert.equal(get.json.code, 404);
		assert.equal(get.json.message, 'This webhook is not registered for GET requests. Did you mean to make a POST request?');

		// The example selects only the disconnected event, so a connected event is received and ignored.
		const unselected = await callWebhook(webhookUrl(example), json(event(CONNECTED, { id: ADA.id, full_name: ADA.full_name })));
		assert.equal(unselected.status, 200);
		assert.deepEqual(unselected.json, { message: 'Received. None of its events is selected in this trigger.' });

		assert.equal((await listExecutions(both.id)).length, bothBefore);
		assert.equal((await listExecutions(example.id)).length, exampleBefore);

		// A valid delivery sent directly gets the trigger's own response and starts one execution.
		const valid = await callWebhook(bothUrl, json(event(CONNECTED, { id: ADA.id, full_name: ADA.full_name })));
		assert.equal(valid.status, 200);
		assert.deepEqual(valid.json, { message: 'Workflow was started' });
		const executions = await waitForExecutions(both.id, bothBefore + 1);
		assert.equal(executions.length, bothBefore + 1);
		assert.equal(executions[0].status, 'success');
		// The node logs each rejection with its status and reason, and nothing of the request.
		assert.deepEqual(
			triggerWarnings().map(({ status, reason }) => ({ status, reason })),
			cases.map(({ status, message }) => ({ status, reason: message })),
		);
		assert.ok(!state.server.output().includes(SANDBOX_KEY), 'the API key appears in the output of n8n');
	});

	test('deactivation removes only its subscriptions', { timeout: TEST_TIMEOUT_MS }, async () => {
		const bothUrl = webhookUrl(both);
		const exampleUrl = webhookUrl(example);
		const bothExecutions = (await listExecutions(both.id)).length;
		const exampleExecutions = (await listExecutions(example.id)).length;
		state.sandbox.clearRequests();

		// n8n 2.41 also deactivates through its publication outbox.
		await deactivate(both.id);
		await waitForCompletedRequests(2);
		await deactivate(example.id);
		await waitForCompletedRequests(3);

		assert.deepEqual(receivedRequests(), [
			subscriptionRequest('unsubscribe', bothUrl, CONNECTED, undefined),
			subscriptionRequest('unsubscribe', bothUrl, DISCONNECTED, undefined),
			subscriptionRequest('unsubscribe', exampleUrl, DISCONNECTED, '123'),
		]);
		assert.ok(state.sandbox.requests.every((request) => request.status === 200));
		assert.deepEqual(sandboxSubscriptions(), [
			{ sandboxKey: true, companyId: null, webhooks: [{ target_url: OTHER_TARGET, event: CONNECTED }] },
		]);
		assert.deepEqual(await listSandboxWebhooks(), [{ target_url: OTHER_TARGET, event: CONNECTED }]);
		assert.deepEqual(await listSandboxWebhooks(123), []);

		const workflow = await rest('GET', `/workflows/${both.id}`);
		assert.equal(workflow.staticData?.['node:Trigger']?.subscriptions, undefined);

		// The sandbox delivers nothing to n8n any more, and n8n no longer registers the webhook URL.
		const delivery = await deliver(CONNECTED, ADA.id);
		assert.deepEqual(delivery.results, [{ target_url: OTHER_TARGET, error: NOT_DELIVERED }]);
		const unregistered = await callWebhook(bothUrl, { contentType: 'application/json', body: '[]' });
		assert.equal(unregistered.status, 404);
		assert.equal(unregistered.json.message, `The requested webhook "POST ${both.nodes[0].webhookId}/webhook" is not registered.`);
		assert.equal((await listExecutions(both.id)).length, bothExecutions);
		assert.equal((await listExecutions(example.id)).length, exampleExecutions);
	});

	test('activation at the limit leaves nothing', { timeout: TEST_TIMEOUT_MS }, async () => {
		for (const target_url of FULL_TARGETS) {
			const response = await fetch(`${state.sandbox.url}/rest/v1/webhooks/subscribe`, {
				method: 'POST',
				headers: { 'x-api-key': SANDBOX_KEY, 'x-company-id': '124', 'Content-Type': 'application/json' },
				body: JSON.stringify({ target_url, event: DISCONNECTED }),
			});
			assert.equal(response.status, 200);
		}
		state.sandbox.clearRequests();
		const fullUrl = webhookUrl(full);

		const message = await activationError(full.id);

		assert.match(
			message,
			new RegExp(
				'Woodpecker allows 3 webhook subscriptions to Account Disconnected per account, and company 124 already has 3 ' +
					'\\(webhooks at https://a\\.example, https://b\\.example\\)\\. Free one: ',
			),
		);
		// n8n 2.41 retries a failed activation by itself. Unpublishing stops that, and then the
		// sandbox must fall quiet.
		await fetch(`${state.server.url}/rest/workflows/${full.id}/deactivate`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', cookie: state.cookie },
			body: '{}',
		});
		await waitForQuietSandbox();

		// Each attempt: n8n's check (a list), the activation (a list, Account Connected subscribed,
		// then removed again when Account Disconnected fails), and n8n's clean-up after the failure
		// (a list that finds nothing at this URL).
		const attempt = [
			listRequest('124'),
			listRequest('124'),
			subscriptionRequest('subscribe', fullUrl, CONNECTED, '124'),
			subscriptionRequest('unsubscribe', fullUrl, CONNECTED, '124'),
			listRequest('124'),
		];
		// Unpublishing in n8n 2.41 runs the clean-up once more: one more list.
		const requests = receivedRequests();
		const attempts = Math.floor(requests.length / attempt.length);
		assert.ok(attempts >= 1, `${requests.length} requests`);
		assert.deepEqual(requests, [
			...Array.from({ length: attempts }, () => attempt).flat(),
			...(requests.length % attempt.length === 1 ? [listRequest('124')] : []),
		]);
		assert.deepEqual(
			await listSandboxWebhooks(124),
			FULL_TARGETS.map((target_url) => ({ target_url, event: DISCONNECTED })),
		);
		const callAfter = await callWebhook(fullUrl, { contentType: 'application/json', body: '[]' });
		assert.equal(callAfter.status, 404);
	});
});
