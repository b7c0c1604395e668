'use strict';

/**
 * End-to-end suite: the packed package installed into a real n8n the way n8n installs
 * community packages, running workflows with `n8n execute` against the local Woodpecker sandbox.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const nodePath = require('node:path');
const { after, before, describe, test } = require('node:test');

const messages = require('../../dist/nodes/WoodpeckerLinkedIn/messages.js');
const { startSandbox } = require('../sandbox/server');
const n8n = require('../../scripts/lib/n8n');
const { WOODPECKER_NODE, connectLinkWorkflow, woodpeckerCredential } = require('../../scripts/lib/workflows');

const SANDBOX_KEY = 'sandbox-agency-key';
const WRONG_KEY = 'wrong-key-9d41c7';
const LINK = /^https:\/\/app\.woodpecker\.co\/linkedin\/connect\?token=sbx_[0-9a-f]{32}$/;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const HOUR_MS = 60 * 60 * 1000;
const VERSION = process.env.N8N_VERSION || '2.41.1';

const state = {};

function path(companyId, accountId) {
	return `/rest/v2/agency/companies/${companyId}/linkedin_accounts/${accountId}/generate-connect-link`;
}

/** Lists the requests the sandbox received, reduced to what the node controls. */
function receivedRequests() {
	return state.sandbox.requests.map((request) => ({
		method: request.method,
		path: request.path,
		apiKey: request.headers['x-api-key'],
		contentType: request.headers['content-type'],
		body: request.body,
	}));
}

function expectedRequest(companyId, accountId, apiKey = SANDBOX_KEY) {
	return { method: 'POST', path: path(companyId, accountId), apiKey, contentType: 'application/json', body: '' };
}

/** Checks a success item and returns its link. */
function assertLinkItem(item, pairedIndex, companyId, accountId) {
	assert.deepEqual(Object.keys(item.json), ['account_id', 'connect_account_link', 'company_id', 'expires_at']);
	assert.equal(item.json.account_id, accountId);
	assert.equal(item.json.company_id, companyId);
	assert.match(item.json.connect_account_link, LINK);
	assert.match(item.json.expires_at, ISO_UTC);
	const hoursAhead = (Date.parse(item.json.expires_at) - Date.now()) / HOUR_MS;
	assert.ok(hoursAhead > 47.5, `expires_at is only ${hoursAhead} hours ahead`);
	assert.ok(hoursAhead <= 48, `expires_at is ${hoursAhead} hours ahead`);
	assert.deepEqual(item.pairedItem, { item: pairedIndex });
	return item.json.connect_account_link;
}

function errorDetails(fields) {
	return {
		message: fields.message,
		description: fields.description,
		http_status: fields.http_status ?? null,
		code: fields.code ?? null,
		woodpecker_message: fields.woodpecker_message ?? null,
		request_id: fields.request_id ?? null,
		timestamp: fields.timestamp ?? null,
		attempts: fields.attempts ?? 1,
		company_id: fields.company_id,
		account_id: fields.account_id,
	};
}

/** Checks that nothing n8n printed, apart from the run's own items, has the key or a link token. */
function assertNoSecretsPrinted(result, secrets) {
	const printed = `${result.stdout}\n${result.stderr}`;
	for (const secret of secrets) {
		assert.ok(!printed.includes(secret), 'the API key appears in the output of n8n');
	}
	const withoutRun = printed
		.split('\n')
		.filter((line) => !line.includes('"resultData'))
		.join('\n');
	assert.ok(!withoutRun.includes('token=sbx_'), 'a connect link appears in a log line');
}

const workflows = {
	errorOutput: {
		id: 'wpE2eErrorOutput',
		rows: [
			{ company_id: 123, account_id: 456 },
			{ company_id: 123, account_id: 999 },
			{ company_id: 'abc', account_id: 456 },
			{ company_id: 123, account_id: 458 },
			{ company_id: 125, account_id: 470 },
			{ company_id: ' 124 ', account_id: '460' },
		],
		onError: 'continueErrorOutput',
	},
	stop: {
		id: 'wpE2eStopWorkflow',
		rows: [
			{ company_id: 123, account_id: 456 },
			{ company_id: 123, account_id: 999 },
			{ company_id: 124, account_id: 460 },
		],
		onError: 'stopWorkflow',
	},
	regularOutput: {
		id: 'wpE2eRegularOutput',
		rows: [
			{ company_id: 123, account_id: 457 },
			{ company_id: 123, account_id: -4 },
		],
		onError: 'continueRegularOutput',
	},
	wrongKey: {
		id: 'wpE2eWrongKey',
		rows: [{ company_id: 123, account_id: 456 }],
		onError: 'continueErrorOutput',
		wrongKey: true,
	},
};

async function execute(name) {
	state.sandbox.clearRequests();
	const result = await n8n.executeWorkflow(state.runtime, state.userFolder, workflows[name].id);
	assertNoSecretsPrinted(result, [SANDBOX_KEY, WRONG_KEY]);
	const [success = [], errors = []] = n8n.nodeOutputs(result.run, WOODPECKER_NODE);
	return { ...result, success, errors };
}

describe(`Woodpecker LinkedIn in n8n ${VERSION}`, () => {
	before(async () => {
		state.runtime = await n8n.provisionN8n();
		state.sandbox = await startSandbox();
		const tarball = await n8n.packPackage();
		state.packFolder = nodePath.dirname(tarball);
		state.userFolder = await n8n.createUserFolder(tarball);

		const good = woodpeckerCredential('wpE2eSandboxKey1', 'Woodpecker sandbox', SANDBOX_KEY, state.sandbox.url);
		const wrong = woodpeckerCredential('wpE2eWrongKey001', 'Woodpecker wrong key', WRONG_KEY, `${state.sandbox.url}/`);
		state.credentials = { good, wrong };
		await n8n.importCredentials(state.runtime, state.userFolder, [good, wrong]);
		await n8n.importWorkflows(
			state.runtime,
			state.userFolder,
			Object.entries(workflows).map(([name, workflow]) =>
				connectLinkWorkflow({
					...workflow,
					name: `E2E ${name}`,
					credential: workflow.wrongKey ? wrong : good,
					options: { retryDelay: 10 },
				}),
			),
		);
	});

	after(async () => {
		await state.sandbox?.close();
		for (const folder of [state.userFolder, state.packFolder]) {
			if (folder) fs.rmSync(folder, { recursive: true, force: true });
		}
	});

	test('error output splits successes and failures', async () => {
		const result = await execute('errorOutput');

		assert.equal(result.code, 0);
		// Account 458 always fails with HTTP 500, which is retried 5 times.
		assert.deepEqual(receivedRequests(), [
			expectedRequest(123, 456),
			expectedRequest(123, 999),
			...Array(6).fill(expectedRequest(123, 458)),
			expectedRequest(125, 470),
			expectedRequest(124, 460),
		]);

		assert.equal(result.success.length, 2);
		const links = [assertLinkItem(result.success[0], 0, 123, 456), assertLinkItem(result.success[1], 5, 124, 460)];
		assert.notEqual(links[0], links[1]);

		const [badAccount, badInput, serverError, inactive] = result.errors;
		assert.equal(result.errors.length, 4);
		assert.deepEqual(badAccount.pairedItem, { item: 1 });
		assert.equal(badAccount.json.error.message, messages.httpFailureMessage(400, { companyId: 123, accountId: 999 }, 'Invalid account id.'));
		assert.match(badAccount.json.error.request_id, /^[0-9a-f-]{36}$/);
		assert.deepEqual(
			badAccount.json.error,
			errorDetails({
				message: messages.httpFailureMessage(400, { companyId: 123, accountId: 999 }, 'Invalid account id.'),
				description: `HTTP 400. Woodpecker's message: "Invalid account id." Code: BAD_REQUEST (VALIDATION_ERROR). Request ID: ${badAccount.json.error.request_id}.`,
				http_status: 400,
				code: 'BAD_REQUEST',
				woodpecker_message: 'Invalid account id.',
				request_id: badAccount.json.error.request_id,
				company_id: 123,
				account_id: 999,
			}),
		);
		// On the error output n8n merges the error over the input item.
		assert.equal(badAccount.json.company_id, 123);
		assert.equal(badAccount.json.account_id, 999);

		assert.deepEqual(badInput, {
			json: {
				company_id: 'abc',
				account_id: 456,
				error: errorDetails({
					message: messages.invalidIdMessage('companyId', 'abc', 'not a whole number'),
					description: messages.NO_REQUEST_SENT,
					attempts: 0,
					company_id: 'abc',
					account_id: 456,
				}),
			},
			pairedItem: { item: 2 },
		});

		assert.deepEqual(serverError.pairedItem, { item: 3 });
		assert.equal(
			serverError.json.error.message,
			messages.httpFailureMessage(500, { companyId: 123, accountId: 458 }, 'An unexpected error occurred on the server.', 6),
		);
		assert.equal(serverError.json.error.http_status, 500);
		assert.equal(serverError.json.error.attempts, 6);
		assert.equal(serverError.json.error.code, 'INTERNAL_SERVER_ERROR');
		assert.match(serverError.json.error.request_id, /^[0-9a-f-]{36}$/);

		assert.deepEqual(inactive.pairedItem, { item: 4 });
		assert.equal(inactive.json.error.message, messages.httpFailureMessage(404, { companyId: 125, accountId: 470 }, 'No active company found'));
		assert.equal(inactive.json.error.http_status, 404);
		assert.equal(inactive.json.error.woodpecker_message, 'No active company found');
		assert.match(inactive.json.error.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

		const received = n8n.nodeOutputs(result.run, 'Report failure')[0];
		assert.deepEqual(
			received.map((item) => item.json.error.message),
			result.errors.map((item) => item.json.error.message),
		);
	});

	test('stop workflow fails on first error', async () => {
		const result = await execute('stop');

		assert.equal(result.code, 1);
		assert.deepEqual(receivedRequests(), [expectedRequest(123, 456), expectedRequest(123, 999)]);
		const { error } = result.run.data.resultData;
		assert.equal(error.message, messages.httpFailureMessage(400, { companyId: 123, accountId: 999 }, 'Invalid account id.'));
		assert.match(error.description, /^HTTP 400\. Woodpecker's message: "Invalid account id\." Code: BAD_REQUEST/);
		assert.equal(error.context.itemIndex, 1);
		assert.equal(result.run.data.resultData.runData['Send link to client'], undefined);
	});

	test('regular output keeps error items inline', async () => {
		const result = await execute('regularOutput');

		assert.equal(result.code, 0);
		assert.deepEqual(receivedRequests(), [expectedRequest(123, 457)]);
		assert.equal(result.success.length, 2);
		assertLinkItem(result.success[0], 0, 123, 457);
		assert.deepEqual(result.success[1], {
			json: {
				error: errorDetails({
					message: messages.invalidIdMessage('accountId', -4, 'not greater than zero'),
					description: messages.NO_REQUEST_SENT,
					attempts: 0,
					company_id: 123,
					account_id: -4,
				}),
			},
			pairedItem: { item: 1 },
		});
	});

	test('credential test checks the key', async () => {
		const server = await n8n.startN8nServer(state.runtime, state.userFolder);
		try {
			const cookie = await n8n.setUpOwner(server.url);
			const testCredential = async (id, apiKey) => {
				const response = await fetch(`${server.url}/rest/credentials/test`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', cookie },
					body: JSON.stringify({
						credentials: {
							id,
							name: 'Woodpecker API',
							type: 'woodpeckerApi',
							data: { apiKey, baseUrl: `${state.sandbox.url}/` },
						},
					}),
				});
				assert.equal(response.status, 200, await response.clone().text());
				return (await response.json()).data;
			};

			state.sandbox.clearRequests();
			assert.deepEqual(await testCredential(state.credentials.good.id, SANDBOX_KEY), { status: 'OK', message: 'Connection successful!' });
			const rejected = await testCredential(state.credentials.wrong.id, WRONG_KEY);
			assert.equal(rejected.status, 'Error');
			// n8n 1.x shows its own message for a 401 and does not apply the credential's rules.
			assert.match(rejected.message, VERSION.startsWith('1.') ? /^Authorization failed/ : /^Invalid api key: /);
			// n8n repeats a request once after a 401 in case the credential needs refreshing.
			const requests = receivedRequests();
			assert.deepEqual(
				requests.map(({ apiKey }) => apiKey),
				[SANDBOX_KEY, WRONG_KEY, WRONG_KEY],
			);
			for (const request of requests) {
				assert.equal(request.method, 'GET');
				assert.equal(request.path, '/rest/v2/agency/companies');
			}
			assert.ok(!server.output().includes(WRONG_KEY), 'the API key appears in the server log');

			// The pickers' searches, as the editor calls them.
			const search = async (methodName, path, currentNodeParameters, filter) => {
				const response = await fetch(`${server.url}/rest/dynamic-node-parameters/resource-locator-results`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', cookie },
					body: JSON.stringify({
						nodeTypeAndVersion: { name: n8n.NODE_TYPE, version: 1 },
						methodName,
						path,
						currentNodeParameters,
						credentials: { woodpeckerApi: { id: state.credentials.good.id, name: state.credentials.good.name } },
						filter,
					}),
				});
				assert.equal(response.status, 200, await response.clone().text());
				return (await response.json()).data.results;
			};
			assert.deepEqual(await search('searchCompanies', 'companyId', { operation: 'generateConnectLink' }, 'tail'), [
				{ name: 'Tailspin Toys (inactive)', value: '125' },
			]);
			const accounts = await search('searchAccounts', 'accountId', {
				operation: 'generateConnectLink',
				companyId: { __rl: true, mode: 'list', value: '124' },
			});
			assert.deepEqual(
				accounts.map(({ name, value }) => ({ name, value })),
				[{ name: 'Katherine Johnson (DISCONNECTED)', value: '460' }],
			);
		} finally {
			await server.stop();
		}
	});

	test('wrong API key reaches error output', async () => {
		const result = await execute('wrongKey');

		assert.equal(result.code, 0);
		assert.deepEqual(receivedRequests(), [expectedRequest(123, 456, WRONG_KEY)]);
		assert.equal(result.success.length, 0);
		assert.equal(result.errors.length, 1);
		assert.equal(result.errors[0].json.error.message, messages.httpFailureMessage(401, { companyId: 123, accountId: 456 }, 'Invalid api key'));
		assert.equal(result.errors[0].json.error.http_status, 401);
		assert.equal(result.errors[0].json.error.woodpecker_message, 'Invalid api key');
		assert.ok(!JSON.stringify(result.run).includes(WRONG_KEY), 'the API key appears in the run data');
	});
});
