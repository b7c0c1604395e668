'use strict';

/**
 * End-to-end tests of the workflows in examples/, imported unchanged into a real n8n, and of
 * every operation of the node. Woodpecker is the local sandbox and email goes to an SMTP sink,
 * both on 127.0.0.1. The credentials get the ids that the examples reference.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const nodePath = require('node:path');
const { after, before, describe, test } = require('node:test');

const { DEFAULT_MAX_RETRIES } = require('../../dist/nodes/WoodpeckerLinkedIn/transport/settings.js');
const { startSandbox } = require('../sandbox/server');
const n8n = require('../../scripts/lib/n8n');
const { parseMessage, startSmtpSink } = require('../../scripts/lib/smtp-sink');
const { woodpeckerCredential } = require('../../scripts/lib/workflows');

const SANDBOX_KEY = 'sandbox-agency-key';
const SEED = JSON.parse(fs.readFileSync(nodePath.join(__dirname, '..', 'sandbox', 'seed.json'), 'utf8'));
// One company per page, so that listing companies has to follow the pages.
const COMPANIES_PAGE_SIZE = 1;
const LINK = /^https:\/\/app\.woodpecker\.co\/linkedin\/connect\?token=sbx_[0-9a-f]{32}$/;
const LINK_IN_TEXT = /https:\/\/app\.woodpecker\.co\/linkedin\/connect\?token=sbx_[0-9a-f]{32}/g;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

// Sandbox faults that the node retries: 429, 5xx statuses, resets and timeouts.
const RETRIED_FAULTS = new Set(['429', '429-retry-after-seconds', '429-retry-after-date', '500', '502', '503', '504', 'reset', 'hang', 'huge-body']);

const state = {};

function readExample(file) {
	return JSON.parse(fs.readFileSync(nodePath.join(n8n.ROOT, 'examples', file), 'utf8'));
}

const examples = {
	crm: readExample('crm-deal-onboarding.json'),
	reconnect: readExample('reconnect-disconnected-accounts.json'),
};

function exampleNode(workflow, name) {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	assert.ok(node, `the example "${workflow.name}" has no node "${name}"`);
	return node;
}

/** Collects the credentials the workflows reference, by type, and checks that each type has one id. */
function credentialReferences(workflows) {
	const references = new Map();
	for (const workflow of workflows) {
		for (const node of workflow.nodes) {
			for (const [type, reference] of Object.entries(node.credentials ?? {})) {
				const known = references.get(type);
				if (known) assert.deepEqual(reference, known, `the examples use two ${type} credentials`);
				references.set(type, reference);
			}
		}
	}
	return references;
}

/** Builds a test credential with the example's id and name for each credential type the examples use. */
function exampleCredentials(references, sandboxUrl, sink) {
	const dataByType = {
		smtp: { host: sink.host, port: sink.port, secure: false, disableStartTls: true, user: '', password: '' },
		httpHeaderAuth: { name: 'X-Webhook-Secret', value: 'e2e-webhook-secret' },
	};
	return [...references].map(([type, { id, name }]) => {
		if (type === 'woodpeckerApi') return woodpeckerCredential(id, name, SANDBOX_KEY, sandboxUrl);
		assert.ok(dataByType[type], `no test data for the credential type ${type} of the examples`);
		return { id, name, type, data: dataByType[type] };
	});
}

/**
 * Builds a workflow that runs every operation once: Company Get Many, and in a second branch
 * LinkedIn Account Get Many, Create (once, not per account) and Generate Connect Link for the
 * created account.
 */
function operationsWorkflow(credential) {
	const woodpecker = (name, position, parameters, settings = {}) => ({
		id: name.toLowerCase().replace(/\W+/g, '-'),
		name,
		type: n8n.NODE_TYPE,
		typeVersion: 1,
		position,
		parameters: { ...parameters, options: {} },
		credentials: { woodpeckerApi: { id: credential.id, name: credential.name } },
		...settings,
	});
	const company123 = { __rl: true, mode: 'id', value: '123' };
	return {
		id: 'wpE2eAllOperations',
		name: 'E2E every operation',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			woodpecker('Get companies', [240, -100], { resource: 'company', operation: 'getAll', returnAll: false, limit: 2 }),
			woodpecker('Get accounts', [240, 100], {
				resource: 'linkedInAccount',
				operation: 'getAll',
				companyId: company123,
				returnAll: true,
			}),
			woodpecker(
				'Create account',
				[480, 100],
				{ resource: 'linkedInAccount', operation: 'create', companyId: company123, timezone: 'Europe/Warsaw' },
				{ executeOnce: true },
			),
			woodpecker('Generate link', [720, 100], {
				resource: 'linkedInAccount',
				operation: 'generateConnectLink',
				companyId: company123,
				accountId: { __rl: true, mode: 'id', value: '={{ $json.account_id }}' },
			}),
		],
		connections: {
			Start: {
				main: [
					[
						{ node: 'Get companies', type: 'main', index: 0 },
						{ node: 'Get accounts', type: 'main', index: 0 },
					],
				],
			},
			'Get accounts': { main: [[{ node: 'Create account', type: 'main', index: 0 }]] },
			'Create account': { main: [[{ node: 'Generate link', type: 'main', index: 0 }]] },
		},
	};
}

/**
 * Lists the requests the sandbox received, reduced to what the node controls. The key is
 * compared here, so that a failing assertion never prints it.
 */
function receivedRequests() {
	return state.sandbox.requests.map((request) => ({
		method: request.method,
		path: request.path,
		query: request.query,
		companyHeader: request.headers['x-company-id'],
		sandboxKey: request.headers['x-api-key'] === SANDBOX_KEY,
		body: request.body,
	}));
}

function expectedRequest(method, path, { query = {}, companyHeader, body = '' } = {}) {
	return { method, path, query, companyHeader, sandboxKey: true, body };
}

function companiesPageRequest(page, query = {}) {
	return expectedRequest('GET', '/rest/v2/agency/companies', { query: { page: String(page), ...query } });
}

function linkRequest(companyId, accountId) {
	return expectedRequest(
		'POST',
		`/rest/v2/agency/companies/${companyId}/linkedin_accounts/${accountId}/generate-connect-link`,
	);
}

/** Picks the fields of a seeded company that the sandbox's companies list returns. */
function companySummary(company) {
	const { id, name, owner, active, running_campaigns, email_slots, linkedin_slots } = company;
	return { id, name, owner, active, running_campaigns, email_slots, linkedin_slots };
}

/**
 * Follows an account's fault queue in the sandbox as the node does with its default options:
 * the seeded faults first, then `injected`, and HTTP 500 on every request for an account marked
 * `fail`. Returns how many requests the node sends and whether it gets a link.
 */
function expectedOutcome(account, injected = []) {
	const faults = [...(account.faults ?? []), ...injected].map((fault) => (typeof fault === 'string' ? fault : fault.fault));
	const maxAttempts = 1 + DEFAULT_MAX_RETRIES;
	for (let attempt = 1; attempt <= maxAttempts; attempt++) {
		const fault = faults[attempt - 1] ?? (account.fail === true ? '500' : 'none');
		if (fault === 'none' || fault === 'slow') return { ok: true, attempts: attempt };
		if (!RETRIED_FAULTS.has(fault)) return { ok: false, attempts: attempt };
	}
	return { ok: false, attempts: maxAttempts };
}

/** Formats an ISO time as the examples' emails do with Luxon's "d LLLL yyyy, HH:mm" in UTC. */
function emailTime(iso) {
	const date = new Date(iso);
	const pad = (number) => String(number).padStart(2, '0');
	return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** Returns the messages the SMTP sink received, parsed, with their envelopes. */
function receivedEmails() {
	return state.sink.messages.map((message) => ({ from: message.from, to: message.to, ...parseMessage(message.data) }));
}

/** Extracts the bare address from a From or To value such as `Name <a@b.example>`. */
function address(value) {
	return /<([^>]+)>/.exec(value)?.[1] ?? value;
}

/** Checks a connect link item and returns its link. */
function assertLinkItem(item, companyId, accountId) {
	assert.deepEqual(Object.keys(item.json), ['account_id', 'connect_account_link', 'company_id', 'expires_at']);
	assert.equal(item.json.account_id, accountId);
	assert.equal(item.json.company_id, companyId);
	assert.match(item.json.connect_account_link, LINK);
	assert.match(item.json.expires_at, ISO_UTC);
	return item.json.connect_account_link;
}

/** Checks that nothing n8n printed, apart from the run's own items, has the key or a link token. */
function assertNoSecretsPrinted(result) {
	const printed = `${result.stdout}\n${result.stderr}`;
	assert.ok(!printed.includes(SANDBOX_KEY), 'the API key appears in the output of n8n');
	const withoutRun = printed
		.split('\n')
		.filter((line) => !line.includes('"resultData'))
		.join('\n');
	assert.ok(!withoutRun.includes('token=sbx_'), 'a connect link appears in a log line');
}

async function execute(workflowId) {
	state.sandbox.clearRequests();
	state.sink.clearMessages();
	const result = await n8n.executeWorkflow(state.runtime, state.userFolder, workflowId);
	assertNoSecretsPrinted(result);
	assert.equal(result.code, 0, result.run.data.resultData.error?.message);
	return result;
}

describe('example workflows in n8n', () => {
	before(async () => {
		state.runtime = await n8n.provisionN8n();
		state.sandbox = await startSandbox({ companiesPageSize: COMPANIES_PAGE_SIZE });
		state.sink = await startSmtpSink();
		const tarball = await n8n.packPackage();
		state.packFolder = nodePath.dirname(tarball);
		state.userFolder = await n8n.createUserFolder(tarball);

		const references = credentialReferences(Object.values(examples));
		const credentials = exampleCredentials(references, state.sandbox.url, state.sink);
		await n8n.importCredentials(state.runtime, state.userFolder, credentials);
		const woodpecker = credentials.find((credential) => credential.type === 'woodpeckerApi');
		await n8n.importWorkflows(state.runtime, state.userFolder, [
			examples.crm,
			examples.reconnect,
			operationsWorkflow(woodpecker),
		]);
	});

	after(async () => {
		await state.sandbox?.close();
		await state.sink?.close();
		for (const folder of [state.userFolder, state.packFolder]) {
			if (folder) fs.rmSync(folder, { recursive: true, force: true });
		}
	});

	test('CRM example emails the contact', async () => {
		const deal = JSON.parse(exampleNode(examples.crm, 'Sample deal').parameters.jsonOutput).body;
		const email = exampleNode(examples.crm, 'Email link to contact').parameters;

		const result = await execute(examples.crm.id);

		assert.deepEqual(receivedRequests(), [linkRequest(deal.company_id, deal.account_id)]);
		assert.equal(result.run.data.resultData.runData['CRM deal stage changed'], undefined);
		const [links, failures = []] = n8n.nodeOutputs(result.run, 'Generate connect link');
		assert.equal(failures.length, 0);
		assert.equal(links.length, 1);
		const link = assertLinkItem(links[0], deal.company_id, deal.account_id);

		const emails = receivedEmails();
		assert.equal(emails.length, 1);
		const [sent] = emails;
		assert.equal(sent.from, address(email.fromEmail));
		assert.deepEqual(sent.to, [deal.contact_email]);
		assert.equal(sent.headers.to, deal.contact_email);
		assert.equal(sent.headers.subject, email.subject);
		assert.ok(sent.text.startsWith(`Hello ${deal.contact_name},`), 'the email does not greet the contact');
		assert.deepEqual(sent.text.match(LINK_IN_TEXT), [link]);
		assert.ok(sent.text.includes(`\n${link}\n`), 'the link is not on a line of its own');
		assert.ok(sent.text.includes(`works until ${emailTime(links[0].json.expires_at)}.`), 'the expiry is missing');
	});

	test('CRM example reports a failed link', async () => {
		const deal = JSON.parse(exampleNode(examples.crm, 'Sample deal').parameters.jsonOutput).body;
		const report = exampleNode(examples.crm, 'Report failure').parameters;
		// A success without a link is not retried, so the item fails after one request.
		state.sandbox.injectFaults([{ fault: 'no-link-201', accountId: deal.account_id }]);

		let result;
		try {
			result = await execute(examples.crm.id);
		} finally {
			state.sandbox.clearFaults();
		}

		assert.deepEqual(receivedRequests(), [linkRequest(deal.company_id, deal.account_id)]);
		const [links, failures] = n8n.nodeOutputs(result.run, 'Generate connect link');
		assert.equal(links.length, 0);
		assert.equal(failures.length, 1);
		const error = failures[0].json.error.message;
		assert.match(error, /no connect_account_link/);

		const emails = receivedEmails();
		assert.equal(emails.length, 1);
		const [sent] = emails;
		assert.deepEqual(sent.to, [report.toEmail]);
		assert.equal(sent.headers.subject, `No LinkedIn connect link for ${deal.contact_name}`);
		assert.ok(sent.text.includes(`${deal.contact_name} <${deal.contact_email}>`), 'the report does not name the contact');
		assert.ok(sent.text.includes(`Error: ${error}\n`), 'the report does not contain the error');
		assert.ok(
			sent.text.includes(`Company ID: ${deal.company_id}, account ID: ${deal.account_id}\n`),
			'the report does not contain the IDs',
		);
		assert.equal(sent.text.match(LINK_IN_TEXT), null);
	});

	test('reconnect example emails each disconnected account', async () => {
		const manager = exampleNode(examples.reconnect, 'Email account manager').parameters;
		const report = exampleNode(examples.reconnect, 'Report failure').parameters;
		const activeCompanies = SEED.companies.filter((company) => company.active);
		const disconnected = activeCompanies.flatMap((company) =>
			(company.linkedin_accounts ?? [])
				.filter((account) => account.session_status === 'DISCONNECTED')
				.map((account) => ({ company, account, outcome: expectedOutcome(account) })),
		);
		// One account that would get its link at once gets a success without a link instead,
		// so that the error branch runs too.
		const broken = disconnected.find(({ outcome }) => outcome.ok && outcome.attempts === 1);
		assert.ok(broken, 'the seed has no disconnected account of an active company without faults');
		broken.outcome = expectedOutcome(broken.account, ['no-link-201']);
		state.sandbox.injectFaults([{ fault: 'no-link-201', accountId: broken.account.id }]);
		const succeeding = disconnected.filter(({ outcome }) => outcome.ok);
		const failing = disconnected.filter(({ outcome }) => !outcome.ok);
		assert.ok(succeeding.length > 0, 'the seed has no disconnected account that gets a link');

		let result;
		try {
			result = await execute(examples.reconnect.id);
		} finally {
			state.sandbox.clearFaults();
		}

		const pages = Math.ceil(activeCompanies.length / COMPANIES_PAGE_SIZE);
		assert.deepEqual(receivedRequests(), [
			...Array.from({ length: pages }, (_, index) => companiesPageRequest(index + 1, { active: 'true' })),
			...activeCompanies.map((company) =>
				expectedRequest('GET', '/rest/v2/linkedin_accounts', {
					query: { status: 'DISCONNECTED' },
					companyHeader: String(company.id),
				}),
			),
			...disconnected.flatMap(({ company, account, outcome }) =>
				Array(outcome.attempts).fill(linkRequest(company.id, account.id)),
			),
		]);

		const [companies] = n8n.nodeOutputs(result.run, 'Get active companies');
		assert.deepEqual(
			companies.map((item) => item.json),
			activeCompanies.map(companySummary),
		);
		const [accounts] = n8n.nodeOutputs(result.run, 'Get disconnected accounts');
		assert.deepEqual(
			accounts.map((item) => [item.json.company_id, item.json.id]),
			disconnected.map(({ company, account }) => [company.id, account.id]),
		);

		const [links, failures] = n8n.nodeOutputs(result.run, 'Generate connect link');
		assert.equal(links.length, succeeding.length);
		succeeding.forEach(({ company, account }, index) => assertLinkItem(links[index], company.id, account.id));
		assert.deepEqual(
			failures.map((item) => [item.json.error.company_id, item.json.error.account_id]),
			failing.map(({ company, account }) => [company.id, account.id]),
		);

		const emails = receivedEmails();
		const toManager = emails.filter((email) => email.to.includes(manager.toEmail));
		const reports = emails.filter((email) => email.to.includes(report.toEmail));
		assert.equal(emails.length, succeeding.length + failing.length);
		assert.equal(toManager.length, succeeding.length);
		assert.equal(reports.length, failing.length);
		succeeding.forEach(({ company, account }, index) => {
			const { connect_account_link: link, expires_at: expiresAt } = links[index].json;
			const sent = toManager[index];
			assert.equal(sent.headers.subject, `Reconnect LinkedIn account ${account.full_name} of ${company.name}`);
			assert.deepEqual(sent.text.match(LINK_IN_TEXT), [link]);
			assert.ok(sent.text.includes(`\n${link}\n`), `the link for account ${account.id} is not on a line of its own`);
			assert.ok(sent.text.includes(`The link works until ${emailTime(expiresAt)}.`), `the expiry for account ${account.id} is missing`);
			assert.ok(sent.text.includes(`LinkedIn profile: ${account.linkedin_url}\n`), `the profile of account ${account.id} is missing`);
		});
		failing.forEach(({ company, account }, index) => {
			const sent = reports[index];
			assert.equal(sent.headers.subject, `No connect link for LinkedIn account ${account.full_name} of ${company.name}`);
			assert.ok(sent.text.includes(`Error: ${failures[index].json.error.message}\n`), `the report for account ${account.id} has no error`);
			assert.equal(sent.text.match(LINK_IN_TEXT), null);
		});
	});

	test('every operation runs in n8n', async () => {
		const company = SEED.companies.find(({ id }) => id === 123);
		const newAccountId = Math.max(...SEED.companies.flatMap(({ linkedin_accounts: accounts = [] }) => accounts.map(({ id }) => id))) + 1;

		const result = await execute('wpE2eAllOperations');

		assert.deepEqual(receivedRequests(), [
			companiesPageRequest(1),
			companiesPageRequest(2),
			expectedRequest('GET', '/rest/v2/linkedin_accounts', { companyHeader: '123' }),
			expectedRequest('POST', '/rest/v2/agency/companies/123/linkedin_accounts', { body: '{"timezone":"Europe/Warsaw"}' }),
			linkRequest(123, newAccountId),
		]);

		const [companies] = n8n.nodeOutputs(result.run, 'Get companies');
		assert.deepEqual(
			companies.map((item) => item.json),
			SEED.companies.slice(0, 2).map(companySummary),
		);

		const [accounts] = n8n.nodeOutputs(result.run, 'Get accounts');
		assert.deepEqual(
			accounts.map((item) => item.json),
			company.linkedin_accounts.map((account) => ({
				id: account.id,
				username: account.username ?? null,
				session_status: account.session_status ?? null,
				full_name: account.full_name ?? null,
				linkedin_url: account.linkedin_url ?? null,
				level: account.level ?? null,
				company_id: 123,
			})),
		);

		const [created] = n8n.nodeOutputs(result.run, 'Create account');
		assert.equal(created.length, 1);
		assert.deepEqual(Object.keys(created[0].json), ['account_id', 'connect_account_link', 'company_id', 'timezone', 'expires_at']);
		assert.equal(created[0].json.account_id, newAccountId);
		assert.match(created[0].json.connect_account_link, LINK);
		assert.equal(created[0].json.company_id, 123);
		assert.equal(created[0].json.timezone, 'Europe/Warsaw');
		assert.match(created[0].json.expires_at, ISO_UTC);

		const [links] = n8n.nodeOutputs(result.run, 'Generate link');
		assert.equal(links.length, 1);
		const link = assertLinkItem(links[0], 123, newAccountId);
		assert.notEqual(link, created[0].json.connect_account_link);

		const response = await fetch(`${state.sandbox.url}/rest/v2/linkedin_accounts`, {
			headers: { 'x-api-key': SANDBOX_KEY, 'x-company-id': '123' },
		});
		const { linkedin_accounts: listed } = await response.json();
		assert.deepEqual(listed.at(-1), {
			id: newAccountId,
			username: null,
			session_status: 'WAITING_FOR_CONNECTION',
			full_name: null,
			linkedin_url: null,
			level: null,
		});
	});
});
