import type { IDataObject } from 'n8n-workflow';

import { httpFailureMessage, invalidTimezoneMessage } from '../../nodes/WoodpeckerLinkedIn/messages';
import { runWorkflow, TEST_API_KEY } from './harness';
import { woodpeckerScope, type RecordedRequest } from './woodpecker-mock';

const LINK = 'https://app.woodpecker.co/linkedin/connect?token=sbx_00112233445566778899aabbccddeeff';
const ACCOUNTS = [
	{ id: 456, username: null, session_status: 'DISCONNECTED', full_name: 'Ada Lovelace', linkedin_url: 'https://www.linkedin.com/in/ada', level: 'PREMIUM' },
	{ id: 457, username: 'grace@example.com', session_status: 'CONNECTED', full_name: 'Grace Hopper', linkedin_url: 'https://www.linkedin.com/in/grace', level: null },
	{ id: 458, username: null, session_status: 'DISCONNECTED', full_name: 'Alan Turing', linkedin_url: 'https://www.linkedin.com/in/alan', level: 'CLASSIC' },
];

function company(id: number, active = true) {
	return { id, name: `Client ${id}`, owner: `owner${id}@example.com`, active, running_campaigns: 1, email_slots: 2, linkedin_slots: 3 };
}

function companyPage(page: number, totalPages: number, ids: number[]) {
	return {
		content: ids.map((id) => company(id)),
		pagination_data: { total_elements: totalPages * 50, total_pages: totalPages, current_page_number: page, page_size: 50 },
	};
}

describe('LinkedIn Account Get Many', () => {
	test('lists accounts with header and filter', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.get('/rest/v2/linkedin_accounts')
			.query({ status: 'DISCONNECTED' })
			.reply(200, { linkedin_accounts: [ACCOUNTS[0], ACCOUNTS[2]] });

		const result = await runWorkflow({
			items: [{ company: 123 }],
			parameters: {
				operation: 'getAll',
				companyId: { __rl: true, mode: 'id', value: '={{ $json.company }}' },
				returnAll: true,
				filters: { sessionStatus: 'DISCONNECTED' },
			},
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded).toEqual([
			{
				method: 'GET',
				path: '/rest/v2/linkedin_accounts?status=DISCONNECTED',
				headers: expect.objectContaining({ 'x-api-key': TEST_API_KEY, 'x-company-id': '123' }),
				body: '',
			},
		]);
		expect(result.success).toEqual([
			{ json: { ...ACCOUNTS[0], company_id: 123 }, pairedItem: { item: 0 } },
			{ json: { ...ACCOUNTS[2], company_id: 123 }, pairedItem: { item: 0 } },
		]);
	});

	test('limit and unknown status passed through', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.get('/rest/v2/linkedin_accounts')
			.query({ status: 'REQUIRES_CHECKPOINT' })
			.reply(200, { linkedin_accounts: ACCOUNTS });

		const result = await runWorkflow({
			items: [{}],
			parameters: {
				operation: 'getAll',
				companyId: { __rl: true, mode: 'list', value: '123', cachedResultName: 'Client 123' },
				limit: 2,
				filters: { sessionStatus: '={{ "REQUIRES_CHECKPOINT" }}' },
			},
		});

		expect(scope.isDone()).toBe(true);
		expect(result.success.map((item) => item.json.id)).toEqual([456, 457]);
	});

	test('each input item lists its company', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.get('/rest/v2/linkedin_accounts')
			.reply(200, { linkedin_accounts: [ACCOUNTS[0]] })
			.get('/rest/v2/linkedin_accounts')
			.reply(404, { title: 'Not Found', status: 404, detail: 'No active company found', timestamp: '2025-03-05 17:57:00' })
			.get('/rest/v2/linkedin_accounts')
			.reply(200, { linkedin_accounts: [] });

		const result = await runWorkflow({
			items: [{ company: 123 }, { company: 125 }, { company: 124 }],
			parameters: { operation: 'getAll', companyId: '={{ $json.company }}', returnAll: true },
			onError: 'continueErrorOutput',
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded.map((request) => request.headers['x-company-id'])).toEqual(['123', '125', '124']);
		expect(result.success).toEqual([{ json: { ...ACCOUNTS[0], company_id: 123 }, pairedItem: { item: 0 } }]);
		expect(result.errors.map((item) => [item.pairedItem, (item.json.error as IDataObject).message])).toEqual([
			[{ item: 1 }, httpFailureMessage(404, { companyId: 125 }, 'No active company found')],
		]);
	});

	test('body without account list fails', async () => {
		woodpeckerScope([]).get('/rest/v2/linkedin_accounts').reply(200, { accounts: [] });

		const result = await runWorkflow({
			items: [{}],
			parameters: { operation: 'getAll', companyId: '123', returnAll: true },
			onError: 'stopWorkflow',
		});

		expect(result.executionError?.message).toBe(
			"Woodpecker's response for company 123 has no linkedin_accounts (HTTP 200). Try again, and report it to Woodpecker support if it keeps happening.",
		);
	});
});

describe('LinkedIn Account Create', () => {
	test('creates account and returns link', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.post('/rest/v2/agency/companies/123/linkedin_accounts', { timezone: 'Europe/Warsaw' })
			.reply(201, { account_id: 9001, connect_account_link: LINK });

		const result = await runWorkflow({
			items: [{ zone: ' Europe/Warsaw ' }],
			parameters: { operation: 'create', companyId: '123', timezone: '={{ $json.zone }}' },
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded).toEqual([
			{
				method: 'POST',
				path: '/rest/v2/agency/companies/123/linkedin_accounts',
				headers: expect.objectContaining({ 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' }),
				body: '{"timezone":"Europe/Warsaw"}',
			},
		]);
		expect(result.success).toEqual([
			{
				json: { account_id: 9001, connect_account_link: LINK, company_id: 123, timezone: 'Europe/Warsaw', expires_at: expect.any(String) },
				pairedItem: { item: 0 },
			},
		]);
	});

	test.each([
		['Invalid timezone.'],
		['No free LinkedIn account slots.'],
	])('HTTP 400 %s named', async (woodpeckerMessage) => {
		const recorded: RecordedRequest[] = [];
		woodpeckerScope(recorded)
			.post('/rest/v2/agency/companies/123/linkedin_accounts')
			.reply(400, { type: 'VALIDATION_ERROR', code: 'BAD_REQUEST', message: woodpeckerMessage, request_id: 'r-9' });

		const result = await runWorkflow({
			items: [{ deal: 'Acme' }],
			parameters: { operation: 'create', companyId: '123', timezone: 'Europe/Warsaw' },
			onError: 'continueErrorOutput',
		});

		expect(recorded).toHaveLength(1);
		expect(result.success).toEqual([]);
		expect(result.errors).toHaveLength(1);
		expect((result.errors[0].json.error as IDataObject).message).toBe(httpFailureMessage(400, { companyId: 123, action: 'createAccount' }, woodpeckerMessage));
		expect((result.errors[0].json.error as IDataObject).message).toContain(woodpeckerMessage);
		expect((result.errors[0].json.error as IDataObject)).toEqual(
			expect.objectContaining({ http_status: 400, code: 'BAD_REQUEST', request_id: 'r-9', company_id: 123 }),
		);
		expect((result.errors[0].json.error as IDataObject).account_id).toBeUndefined();
	});

	test.each([[''], ['Warsaw time'], ['Europe/Warsaw"}'], [42]])('invalid time zone %j not sent', async (zone) => {
		const recorded: RecordedRequest[] = [];
		woodpeckerScope(recorded).post(/.*/).reply(201, {});

		const result = await runWorkflow({
			items: [{ zone }],
			parameters: { operation: 'create', companyId: '123', timezone: '={{ $json.zone }}' },
			onError: 'continueRegularOutput',
		});

		expect(recorded).toEqual([]);
		expect(result.success.map((item) => (item.json.error as IDataObject).message)).toEqual([invalidTimezoneMessage(zone)]);
	});

	test('answer without account id fails', async () => {
		woodpeckerScope([]).post('/rest/v2/agency/companies/123/linkedin_accounts').reply(201, { connect_account_link: LINK });

		const result = await runWorkflow({
			items: [{}],
			parameters: { operation: 'create', companyId: '123', timezone: 'Europe/Warsaw' },
			onError: 'continueErrorOutput',
		});

		expect(result.errors.map((item) => (item.json.error as IDataObject).message)).toEqual([
			"Woodpecker's response for company 123 has no account_id (HTTP 201). Try again, and report it to Woodpecker support if it keeps happening.",
		]);
		expect(JSON.stringify(result.errors)).not.toContain(LINK);
	});
});

describe('Company Get Many', () => {
	test('returns all pages', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.get('/rest/v2/agency/companies')
			.query({ page: '1' })
			.reply(200, companyPage(1, 3, [1, 2]))
			.get('/rest/v2/agency/companies')
			.query({ page: '2' })
			.reply(200, companyPage(2, 3, [3, 4]))
			.get('/rest/v2/agency/companies')
			.query({ page: '3' })
			.reply(200, companyPage(3, 3, [5]));

		const result = await runWorkflow({
			items: [{}],
			parameters: { resource: 'company', operation: 'getAll', returnAll: true },
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded.map((request) => request.path)).toEqual([
			'/rest/v2/agency/companies?page=1',
			'/rest/v2/agency/companies?page=2',
			'/rest/v2/agency/companies?page=3',
		]);
		expect(result.success).toEqual([1, 2, 3, 4, 5].map((id) => ({ json: company(id), pairedItem: { item: 0 } })));
	});

	test('limit stops paging, active filter sent', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.get('/rest/v2/agency/companies')
			.query({ page: '1', active: 'true' })
			.reply(200, companyPage(1, 5, [1, 2]))
			.get('/rest/v2/agency/companies')
			.query({ page: '2', active: 'true' })
			.reply(200, companyPage(2, 5, [3, 4]));

		const result = await runWorkflow({
			items: [{}],
			parameters: { resource: 'company', operation: 'getAll', limit: 3, filters: { activeOnly: true } },
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded).toHaveLength(2);
		expect(result.success.map((item) => item.json.id)).toEqual([1, 2, 3]);
	});

	test('wrong key reaches error output', async () => {
		woodpeckerScope([])
			.get('/rest/v2/agency/companies')
			.query(true)
			.reply(401, { title: 'Unauthorized', status: 401, detail: 'Invalid api key', timestamp: '2025-03-05 17:57:00' });

		const result = await runWorkflow({
			items: [{ run: 1 }],
			parameters: { resource: 'company', operation: 'getAll', returnAll: true },
			onError: 'continueErrorOutput',
		});

		expect(result.errors.map((item) => [item.pairedItem, (item.json.error as IDataObject).message])).toEqual([
			[{ item: 0 }, httpFailureMessage(401, {}, 'Invalid api key')],
		]);
		expect(httpFailureMessage(401, {}, 'Invalid api key')).toContain("the agency's client companies");
	});

	test('invalid limit fails without request', async () => {
		const recorded: RecordedRequest[] = [];
		woodpeckerScope(recorded).get(/.*/).reply(200, companyPage(1, 1, [1]));

		const result = await runWorkflow({
			items: [{}],
			parameters: { resource: 'company', operation: 'getAll', limit: '={{ 0 }}' },
			onError: 'continueRegularOutput',
		});

		expect(recorded).toEqual([]);
		expect(result.success.map((item) => (item.json.error as IDataObject).message)).toEqual([
			'Limit 0 is not a whole number of 1 or more. Set Limit to, for example, 50, or turn on Return All.',
		]);
	});
});

describe('LinkedIn Account Create time zones', () => {
	test.each([['UTC'], ['GMT'], ['Etc/UTC']])('%s accepted and sent', async (zone) => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.post('/rest/v2/agency/companies/123/linkedin_accounts', { timezone: zone })
			.reply(201, { account_id: 9002, connect_account_link: LINK });

		const result = await runWorkflow({
			items: [{ zone }],
			parameters: { operation: 'create', companyId: '123', timezone: '={{ $json.zone }}' },
		});

		expect(scope.isDone()).toBe(true);
		expect(result.success.map((item) => item.json.timezone)).toEqual([zone]);
	});
});
