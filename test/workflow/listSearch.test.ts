import { runListSearch, TEST_API_KEY } from './harness';
import { woodpeckerScope, type RecordedRequest } from './woodpecker-mock';

function page(pageNumber: number, totalPages: number, companies: Array<[number, string, boolean]>) {
	return {
		content: companies.map(([id, name, active]) => ({ id, name, owner: 'o@example.com', active, running_campaigns: 0, email_slots: 1, linkedin_slots: 1 })),
		pagination_data: { total_elements: 0, total_pages: totalPages, current_page_number: pageNumber, page_size: 50 },
	};
}

describe('company search', () => {
	test('lists all and marks inactive', async () => {
		const scope = woodpeckerScope([])
			.get('/rest/v2/agency/companies')
			.query({ page: '1' })
			.reply(200, page(1, 1, [[123, 'Northwind Traders', true], [125, 'Tailspin Toys', false]]));

		const result = await runListSearch('searchCompanies', { operation: 'generateConnectLink' });

		expect(scope.isDone()).toBe(true);
		expect(result).toEqual({
			results: [
				{ name: 'Northwind Traders', value: '123' },
				{ name: 'Tailspin Toys (inactive)', value: '125' },
			],
		});
	});

	test('filters by name over pages', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.get('/rest/v2/agency/companies')
			.query({ page: '1' })
			.reply(200, page(1, 3, [[1, 'Acme North', true], [2, 'Globex', true]]))
			.get('/rest/v2/agency/companies')
			.query({ page: '2' })
			.reply(200, page(2, 3, [[3, 'Initech', true]]))
			.get('/rest/v2/agency/companies')
			.query({ page: '3' })
			.reply(200, page(3, 3, [[4, 'ACME South', false]]));

		const result = await runListSearch('searchCompanies', {}, 'acme');

		expect(scope.isDone()).toBe(true);
		expect(recorded.map((request) => request.headers['x-api-key'])).toEqual([TEST_API_KEY, TEST_API_KEY, TEST_API_KEY]);
		expect(result).toEqual({
			results: [
				{ name: 'Acme North', value: '1' },
				{ name: 'ACME South (inactive)', value: '4' },
			],
		});
	});

	test('hands over next page token', async () => {
		const many = Array.from({ length: 50 }, (_, index): [number, string, boolean] => [index + 1, `Client ${index + 1}`, true]);
		const scope = woodpeckerScope([])
			.get('/rest/v2/agency/companies')
			.query({ page: '2' })
			.reply(200, page(2, 4, many));

		const result = await runListSearch('searchCompanies', {}, undefined, '2');

		expect(scope.isDone()).toBe(true);
		expect(result.results).toHaveLength(50);
		expect(result.paginationToken).toBe('3');
	});

	test('no match gives empty result', async () => {
		woodpeckerScope([]).get('/rest/v2/agency/companies').query({ page: '1' }).reply(200, page(1, 1, [[1, 'Globex', true]]));

		const result = await runListSearch('searchCompanies', {}, 'zzz');

		expect(result).toEqual({ results: [] });
	});
});

describe('account search', () => {
	const accounts = [
		{ id: 456, username: null, session_status: 'DISCONNECTED', full_name: 'Ada Lovelace', linkedin_url: 'https://www.linkedin.com/in/ada', level: null },
		{ id: 457, username: null, session_status: 'CONNECTED', full_name: null, linkedin_url: null, level: null },
	];

	test('lists accounts of chosen company', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded).get('/rest/v2/linkedin_accounts').reply(200, { linkedin_accounts: accounts });

		const result = await runListSearch('searchAccounts', { companyId: { __rl: true, mode: 'list', value: '123' } });

		expect(scope.isDone()).toBe(true);
		expect(recorded[0].headers['x-company-id']).toBe('123');
		expect(result).toEqual({
			results: [
				{ name: 'Ada Lovelace (DISCONNECTED)', value: '456', url: 'https://www.linkedin.com/in/ada' },
				{ name: 'Account 457 (CONNECTED)', value: '457', url: undefined },
			],
		});
	});

	test('filter matches name', async () => {
		woodpeckerScope([]).get('/rest/v2/linkedin_accounts').reply(200, { linkedin_accounts: accounts });

		const result = await runListSearch('searchAccounts', { companyId: '123' }, 'lovelace');

		expect(result.results.map((item) => item.value)).toEqual(['456']);
	});

	test('empty company list', async () => {
		woodpeckerScope([]).get('/rest/v2/linkedin_accounts').reply(200, { linkedin_accounts: [] });

		expect(await runListSearch('searchAccounts', { companyId: '124' })).toEqual({ results: [] });
	});

	test('asks for the company first', async () => {
		const recorded: RecordedRequest[] = [];
		woodpeckerScope(recorded).get(/.*/).reply(200, {});

		await expect(runListSearch('searchAccounts', { companyId: { __rl: true, mode: 'list', value: '' } })).rejects.toThrow(
			'Choose the company first, then its LinkedIn accounts are listed here',
		);
		expect(recorded).toEqual([]);
	});
});
