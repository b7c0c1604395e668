import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { FAULT_NAMES, loadSeed, startSandbox } from './server';

const SERVER_SCRIPT = join(__dirname, '..', 'sandbox', 'server.js');
const API_KEY = 'sandbox-agency-key';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CONNECT_LINK = /^https:\/\/app\.woodpecker\.co\/linkedin\/connect\?token=sbx_[0-9a-f]{32}$/;

const NORTHWIND = {
	id: 123,
	name: 'Northwind Traders',
	owner: 'ops@northwind.example',
	active: true,
	running_campaigns: 2,
	email_slots: 5,
	linkedin_slots: 5,
};
const FABRIKAM = {
	id: 124,
	name: 'Fabrikam Analytics',
	owner: 'sales@fabrikam.example',
	active: true,
	running_campaigns: 0,
	email_slots: 2,
	linkedin_slots: 1,
};
const TAILSPIN = {
	id: 125,
	name: 'Tailspin Toys',
	owner: 'admin@tailspin.example',
	active: false,
	running_campaigns: 0,
	email_slots: 1,
	linkedin_slots: 1,
};

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

interface ApiResponse {
	status: number;
	contentType: string | null;
	headers: Headers;
	text: string;
	/** Parsed body of a non-empty application/json response, else undefined. */
	body: any;
}

function connectLinkPath(companyId: string | number, accountId: string | number): string {
	return `/rest/v2/agency/companies/${companyId}/linkedin_accounts/${accountId}/generate-connect-link`;
}

/**
 * Sends a request to the sandbox with the given API key (none when null) and further headers,
 * and parses JSON bodies.
 */
async function call(
	sandbox: Sandbox,
	method: string,
	path: string,
	apiKey: string | null = API_KEY,
	body?: string,
	extraHeaders: Record<string, string> = {},
): Promise<ApiResponse> {
	const headers: Record<string, string> = { ...extraHeaders };
	if (apiKey !== null) {
		headers['x-api-key'] = apiKey;
	}
	const response = await fetch(sandbox.url + path, { method, headers, body });
	const text = await response.text();
	const contentType = response.headers.get('content-type');
	return {
		status: response.status,
		contentType,
		headers: response.headers,
		text,
		body: text !== '' && contentType === 'application/json' ? JSON.parse(text) : undefined,
	};
}

/** Checks that a timestamp is `YYYY-MM-DD HH:MM:SS` in UTC and within a minute of now. */
function expectRecentUtcTimestamp(timestamp: unknown): void {
	expect(timestamp).toMatch(TIMESTAMP);
	const time = Date.parse(`${String(timestamp).replace(' ', 'T')}Z`);
	expect(Math.abs(Date.now() - time)).toBeLessThan(60_000);
}

function expectNotFound(response: ApiResponse, detail: string): void {
	expect(response.status).toBe(404);
	expect(response.contentType).toBe('application/json');
	expect(Object.keys(response.body).sort()).toEqual(['detail', 'status', 'timestamp', 'title']);
	expect(response.body).toMatchObject({ title: 'Not Found', status: 404, detail });
	expectRecentUtcTimestamp(response.body.timestamp);
}

function expectUnauthorized(response: ApiResponse): void {
	expect(response.status).toBe(401);
	expect(response.contentType).toBe('application/json');
	expect(Object.keys(response.body).sort()).toEqual(['detail', 'status', 'timestamp', 'title']);
	expect(response.body).toMatchObject({ title: 'Unauthorized', status: 401, detail: 'Invalid api key' });
	expectRecentUtcTimestamp(response.body.timestamp);
}

function expectInvalidAccount(response: ApiResponse): void {
	expect(response.status).toBe(400);
	expect(response.contentType).toBe('application/json');
	expect(Object.keys(response.body).sort()).toEqual(['code', 'message', 'request_id', 'type']);
	expect(response.body).toMatchObject({
		type: 'VALIDATION_ERROR',
		code: 'BAD_REQUEST',
		message: 'Invalid account id.',
	});
	expect(response.body.request_id).toMatch(UUID);
}

describe('sandbox API', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox({ companiesPageSize: 2 });
	});

	afterAll(async () => {
		await sandbox.close();
	});

	beforeEach(() => {
		sandbox.clearRequests();
	});

	test('listens on 127.0.0.1', () => {
		const address = sandbox.server.address() as AddressInfo;
		expect(address.address).toBe('127.0.0.1');
		expect(address.port).toBe(sandbox.port);
		expect(sandbox.port).toBeGreaterThan(0);
		expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
	});

	test('connect link returns 201', async () => {
		const response = await call(sandbox, 'POST', connectLinkPath(123, 456));

		expect(response.status).toBe(201);
		expect(response.contentType).toBe('application/json');
		expect(Object.keys(response.body).sort()).toEqual(['account_id', 'connect_account_link']);
		expect(response.body.account_id).toBe(456);
		expect(response.body.connect_account_link).toMatch(CONNECT_LINK);
	});

	test('connect link in other company', async () => {
		const response = await call(sandbox, 'POST', connectLinkPath(124, 460));

		expect(response.status).toBe(201);
		expect(response.body.account_id).toBe(460);
	});

	test('each call mints a new link', async () => {
		const first = await call(sandbox, 'POST', connectLinkPath(123, 457));
		const second = await call(sandbox, 'POST', connectLinkPath(123, 457));

		expect(first.status).toBe(201);
		expect(second.status).toBe(201);
		expect(first.body.connect_account_link).toMatch(CONNECT_LINK);
		expect(second.body.connect_account_link).toMatch(CONNECT_LINK);
		expect(second.body.connect_account_link).not.toBe(first.body.connect_account_link);
	});

	test('missing key returns 401', async () => {
		expectUnauthorized(await call(sandbox, 'POST', connectLinkPath(123, 456), null));
	});

	test('wrong key returns 401', async () => {
		expectUnauthorized(await call(sandbox, 'POST', connectLinkPath(123, 456), 'wrong-key'));
	});

	test('empty key returns 401', async () => {
		expectUnauthorized(await call(sandbox, 'POST', connectLinkPath(123, 456), ''));
	});

	test('key is checked before company', async () => {
		expectUnauthorized(await call(sandbox, 'POST', connectLinkPath(125, 470), 'wrong-key'));
		expectUnauthorized(await call(sandbox, 'POST', connectLinkPath(999, 456), 'wrong-key'));
		expectUnauthorized(await call(sandbox, 'POST', connectLinkPath(123, 458), 'wrong-key'));
	});

	test.each([
		['inactive company', 125, 470],
		['unknown company', 999, 456],
		['huge company id', '99999999999999999999', 456],
		['inactive company, bad account', 125, 'abc'],
	])('404 for %s', async (_case, companyId, accountId) => {
		expectNotFound(await call(sandbox, 'POST', connectLinkPath(companyId, accountId)), 'No active company found');
	});

	test.each([
		['account of other company', 123, 460],
		['unknown account', 123, 999],
		['non-numeric account', 123, 'abc'],
		['empty account', 123, ''],
		['zero account', 123, 0],
		['negative account', 123, -456],
		['leading-zero account', 123, '0456'],
		['fractional account', 123, '456.0'],
		['failing account elsewhere', 124, 458],
	])('400 for %s', async (_case, companyId, accountId) => {
		expectInvalidAccount(await call(sandbox, 'POST', connectLinkPath(companyId, accountId)));
	});

	test('failing account returns 500', async () => {
		const response = await call(sandbox, 'POST', connectLinkPath(123, 458));

		expect(response.status).toBe(500);
		expect(response.contentType).toBe('application/json');
		expect(Object.keys(response.body).sort()).toEqual(['code', 'message', 'request_id', 'type']);
		expect(response.body).toMatchObject({
			type: 'INTERNAL_ERROR',
			code: 'INTERNAL_SERVER_ERROR',
			message: 'An unexpected error occurred on the server.',
		});
		expect(response.body.request_id).toMatch(UUID);
	});

	test('error request ids differ', async () => {
		const first = await call(sandbox, 'POST', connectLinkPath(123, 458));
		const second = await call(sandbox, 'POST', connectLinkPath(123, 458));

		expect(first.body.request_id).toMatch(UUID);
		expect(second.body.request_id).not.toBe(first.body.request_id);
	});

	test.each([
		['unknown path', 'GET', '/rest/v2/unknown', API_KEY],
		['path without /rest', 'POST', '/v2/agency/companies/123/linkedin_accounts/456/generate-connect-link', API_KEY],
		['wrong method', 'GET', connectLinkPath(123, 456), API_KEY],
		['non-numeric company', 'POST', connectLinkPath('abc', 456), API_KEY],
		['zero company', 'POST', connectLinkPath(0, 456), API_KEY],
		['trailing slash', 'POST', `${connectLinkPath(123, 456)}/`, API_KEY],
		['unknown path without key', 'GET', '/rest/v2/unknown', null],
		['bad company with wrong key', 'POST', connectLinkPath('abc', 456), 'wrong-key'],
		['companies wrong method', 'POST', '/rest/v2/agency/companies', null],
		['unknown control path', 'GET', '/__sandbox/unknown', null],
	])('404 route for %s', async (_case, method, path, apiKey) => {
		expectNotFound(await call(sandbox, method, path, apiKey), 'Requested resource does not exist');
	});

	test('fail flag never leaks', async () => {
		const responses = [
			await call(sandbox, 'POST', connectLinkPath(123, 458)),
			await call(sandbox, 'POST', connectLinkPath(123, 456)),
			await call(sandbox, 'GET', '/rest/v2/agency/companies?page=1'),
			await call(sandbox, 'GET', '/rest/v2/agency/companies?page=2'),
		];

		for (const response of responses) {
			expect(response.text).not.toContain('fail');
			expect(response.text).not.toContain('faults');
			expect(response.text).not.toContain('linkedin_accounts');
		}
	});

	test('companies page 1 of 2', async () => {
		const response = await call(sandbox, 'GET', '/rest/v2/agency/companies?page=1');

		expect(response.status).toBe(200);
		expect(response.contentType).toBe('application/json');
		expect(response.body).toEqual({
			content: [NORTHWIND, FABRIKAM],
			pagination_data: { total_elements: 3, total_pages: 2, current_page_number: 1, page_size: 2 },
		});
	});

	test('companies page 2 of 2', async () => {
		const response = await call(sandbox, 'GET', '/rest/v2/agency/companies?page=2');

		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			content: [TAILSPIN],
			pagination_data: { total_elements: 3, total_pages: 2, current_page_number: 2, page_size: 2 },
		});
	});

	test('companies page past end', async () => {
		const response = await call(sandbox, 'GET', '/rest/v2/agency/companies?page=3');

		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			content: [],
			pagination_data: { total_elements: 3, total_pages: 2, current_page_number: 3, page_size: 2 },
		});
	});

	test('companies page defaults to 1', async () => {
		const response = await call(sandbox, 'GET', '/rest/v2/agency/companies');

		expect(response.status).toBe(200);
		expect(response.body.content).toEqual([NORTHWIND, FABRIKAM]);
		expect(response.body.pagination_data.current_page_number).toBe(1);
	});

	test('companies active=true filter', async () => {
		const response = await call(sandbox, 'GET', '/rest/v2/agency/companies?page=1&active=true');

		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			content: [NORTHWIND, FABRIKAM],
			pagination_data: { total_elements: 2, total_pages: 1, current_page_number: 1, page_size: 2 },
		});
	});

	test('companies active=false filter', async () => {
		const response = await call(sandbox, 'GET', '/rest/v2/agency/companies?page=1&active=false');

		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			content: [TAILSPIN],
			pagination_data: { total_elements: 1, total_pages: 1, current_page_number: 1, page_size: 2 },
		});
	});

	test.each([
		['missing key', null],
		['wrong key', 'wrong-key'],
	])('companies 401 for %s', async (_case, apiKey) => {
		expectUnauthorized(await call(sandbox, 'GET', '/rest/v2/agency/companies?page=1', apiKey));
	});

	test.each([
		['page=0', 'Invalid page number.'],
		['page=abc', 'Invalid page number.'],
		['page=-1', 'Invalid page number.'],
		['active=yes', 'Invalid active filter.'],
		['active=TRUE', 'Invalid active filter.'],
	])('companies 400 for %s', async (query, message) => {
		const response = await call(sandbox, 'GET', `/rest/v2/agency/companies?${query}`);

		expect(response.status).toBe(400);
		expect(response.body).toEqual({
			type: 'VALIDATION_ERROR',
			code: 'BAD_REQUEST',
			message,
			request_id: expect.stringMatching(UUID),
		});
	});

	test('records API requests', async () => {
		const before = Date.now();
		await call(sandbox, 'POST', connectLinkPath(123, 456));
		await call(sandbox, 'GET', '/rest/v2/agency/companies?page=2&active=true', 'wrong-key');
		await call(sandbox, 'GET', '/rest/v2/unknown?tag=a&tag=b', null);

		expect(sandbox.requests).toHaveLength(3);
		const [connect, companies, unknown] = sandbox.requests;

		expect(connect.method).toBe('POST');
		expect(connect.path).toBe(connectLinkPath(123, 456));
		expect(connect.query).toEqual({});
		expect(connect.headers['x-api-key']).toBe(API_KEY);
		expect(connect.headers.host).toBe(`127.0.0.1:${sandbox.port}`);
		expect(connect.body).toBe('');
		expect(Date.parse(connect.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
		expect(new Date(connect.receivedAt).toISOString()).toBe(connect.receivedAt);

		expect(companies.method).toBe('GET');
		expect(companies.path).toBe('/rest/v2/agency/companies');
		expect(companies.query).toEqual({ page: '2', active: 'true' });
		expect(companies.headers['x-api-key']).toBe('wrong-key');

		expect(unknown.path).toBe('/rest/v2/unknown');
		expect(unknown.query).toEqual({ tag: ['a', 'b'] });
		expect(unknown.headers['x-api-key']).toBeUndefined();
	});

	test('records raw request body', async () => {
		await call(sandbox, 'POST', connectLinkPath(123, 456), API_KEY, '{"note":"ünïcode"}');

		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0].body).toBe('{"note":"ünïcode"}');
	});

	test('clearRequests empties in place', async () => {
		const recorded = sandbox.requests;
		await call(sandbox, 'POST', connectLinkPath(123, 456));
		expect(recorded).toHaveLength(1);

		sandbox.clearRequests();

		expect(recorded).toHaveLength(0);
		expect(sandbox.requests).toBe(recorded);
	});

	test('control endpoint lists requests', async () => {
		await call(sandbox, 'POST', connectLinkPath(123, 456));
		await call(sandbox, 'GET', '/rest/v2/agency/companies?page=1');

		const response = await call(sandbox, 'GET', '/__sandbox/requests', null);

		expect(response.status).toBe(200);
		expect(response.contentType).toBe('application/json');
		const masked = sandbox.requests.map((request) => ({
			...request,
			headers: { ...request.headers, 'x-api-key': '[redacted]' },
		}));
		expect(response.body).toEqual(masked);
		expect(JSON.stringify(response.body)).not.toContain(API_KEY);
		expect(response.body).toHaveLength(2);
		expect(response.body[0].path).toBe(connectLinkPath(123, 456));
		expect(response.body[1].query).toEqual({ page: '1' });
	});

	test('control endpoint clears requests', async () => {
		await call(sandbox, 'POST', connectLinkPath(123, 456));
		expect(sandbox.requests).toHaveLength(1);

		const response = await call(sandbox, 'DELETE', '/__sandbox/requests', null);

		expect(response.status).toBe(204);
		expect(response.text).toBe('');
		expect(sandbox.requests).toHaveLength(0);
		const listed = await call(sandbox, 'GET', '/__sandbox/requests', null);
		expect(listed.body).toEqual([]);
	});

	test('control requests are not recorded', async () => {
		await call(sandbox, 'GET', '/__sandbox/requests', null);
		await call(sandbox, 'GET', '/__sandbox/unknown', null);

		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('sandbox options', () => {
	test('default page size is 50', async () => {
		const sandbox = await startSandbox();
		try {
			const response = await call(sandbox, 'GET', '/rest/v2/agency/companies?page=1');

			expect(response.body.content).toEqual([NORTHWIND, FABRIKAM, TAILSPIN]);
			expect(response.body.pagination_data).toEqual({
				total_elements: 3,
				total_pages: 1,
				current_page_number: 1,
				page_size: 50,
			});
		} finally {
			await sandbox.close();
		}
	});

	test('companies pages of one', async () => {
		const sandbox = await startSandbox({ companiesPageSize: 1 });
		try {
			const pages = [];
			for (let page = 1; page <= 4; page += 1) {
				pages.push((await call(sandbox, 'GET', `/rest/v2/agency/companies?page=${page}`)).body);
			}

			expect(pages.map((page) => page.content)).toEqual([[NORTHWIND], [FABRIKAM], [TAILSPIN], []]);
			pages.forEach((page, index) => {
				expect(page.pagination_data).toEqual({
					total_elements: 3,
					total_pages: 3,
					current_page_number: index + 1,
					page_size: 1,
				});
			});
		} finally {
			await sandbox.close();
		}
	});

	test('companies pages with filter', async () => {
		// Companies 1 to 7, where the even ids are inactive.
		const companies = Array.from({ length: 7 }, (_, index) => ({
			...NORTHWIND,
			id: index + 1,
			name: `Company ${index + 1}`,
			active: (index + 1) % 2 === 1,
		}));
		const sandbox = await startSandbox({ seed: { apiKeys: ['k'], companies }, companiesPageSize: 2 });
		try {
			/** Returns the ids on each page from 1 to `count`, and checks each page's pagination data. */
			const pageIds = async (query: string, count: number, total: number) => {
				const ids = [];
				for (let page = 1; page <= count; page += 1) {
					const response = await call(sandbox, 'GET', `/rest/v2/agency/companies?page=${page}${query}`, 'k');
					expect(response.status).toBe(200);
					expect(response.body.pagination_data).toEqual({
						total_elements: total,
						total_pages: Math.ceil(total / 2),
						current_page_number: page,
						page_size: 2,
					});
					ids.push(response.body.content.map((company: { id: number }) => company.id));
				}
				return ids;
			};

			expect(await pageIds('', 5, 7)).toEqual([[1, 2], [3, 4], [5, 6], [7], []]);
			expect(await pageIds('&active=true', 3, 4)).toEqual([[1, 3], [5, 7], []]);
			expect(await pageIds('&active=false', 3, 3)).toEqual([[2, 4], [6], []]);
		} finally {
			await sandbox.close();
		}
	});

	test('empty seed has zero pages', async () => {
		const sandbox = await startSandbox({ seed: { apiKeys: ['k'], companies: [] } });
		try {
			const response = await call(sandbox, 'GET', '/rest/v2/agency/companies?page=1', 'k');

			expect(response.status).toBe(200);
			expect(response.body).toEqual({
				content: [],
				pagination_data: { total_elements: 0, total_pages: 0, current_page_number: 1, page_size: 50 },
			});
		} finally {
			await sandbox.close();
		}
	});

	test('seed object is not mutated', async () => {
		const seed = {
			apiKeys: ['k'],
			companies: [{ ...NORTHWIND }],
		};
		const sandbox = await startSandbox({ seed });
		try {
			expect(seed.companies[0]).not.toHaveProperty('linkedin_accounts');
			const response = await call(sandbox, 'POST', connectLinkPath(123, 456), 'k');
			expectInvalidAccount(response);
		} finally {
			await sandbox.close();
		}
	});

	test('close is idempotent', async () => {
		const sandbox = await startSandbox();
		await call(sandbox, 'GET', '/rest/v2/agency/companies');

		await sandbox.close();
		await sandbox.close();

		expect(sandbox.server.listening).toBe(false);
	});

	test.each([
		['negative port', { port: -1 }, 'Invalid port -1'],
		['port above 65535', { port: 70000 }, 'Invalid port 70000'],
		['zero page size', { companiesPageSize: 0 }, 'Invalid companiesPageSize 0'],
		['unknown option', { concurency: { enabled: true } }, 'Invalid sandbox option "concurency"'],
		['unknown concurrency field', { concurrency: { maxQueue: 1 } }, 'concurrency.maxQueue is not a known setting'],
		['non-boolean enabled', { concurrency: { enabled: 'yes' } }, 'concurrency.enabled must be true or false'],
		['negative maxQueued', { concurrency: { maxQueued: -1 } }, 'concurrency.maxQueued must be a non-negative integer, got -1'],
		['fractional wait', { concurrency: { maxQueueWaitMs: 1.5 } }, 'concurrency.maxQueueWaitMs must be a non-negative integer'],
		['success reject status', { concurrency: { rejectStatus: 200 } }, 'concurrency.rejectStatus must be an HTTP error status from 400 to 599, got 200'],
		['negative service time', { serviceTimeMs: -1 }, 'serviceTimeMs must be a non-negative number'],
		['inverted service range', { serviceTimeMs: { min: 5, max: 1 } }, 'serviceTimeMs must be a number or { min, max } with 0 <= min <= max'],
		['negative network delay', { networkDelayMs: -5 }, 'networkDelayMs must be a non-negative number'],
		['rate above 1', { randomFaults: { rate: 1.5, faults: ['503'] } }, 'randomFaults.rate must be a number from 0 to 1, got 1.5'],
		['empty random faults', { randomFaults: { rate: 0.5, faults: [] } }, 'randomFaults.faults must be a non-empty array'],
		['unknown random fault', { randomFaults: { rate: 0.5, faults: ['418'] } }, 'randomFaults.faults[0] must be one of 429, 500'],
		['bad random seed', { randomFaults: { rate: 0.5, faults: ['503'], seed: -1 } }, 'randomFaults.seed must be an integer from 0 to 4294967295'],
	])('rejects invalid %s', async (_case, options, message) => {
		await expect(startSandbox(options as any)).rejects.toThrow(message);
	});
});

describe('sandbox seed', () => {
	test('default seed loads', () => {
		const seed = loadSeed();

		expect(seed.apiKeys).toEqual([API_KEY]);
		expect(seed.companies.map((company) => company.id)).toEqual([123, 124, 125]);
		// Company 123 has one free LinkedIn slot and company 124 none.
		expect(seed.companies.map((company) => company.linkedin_slots)).toEqual([5, 1, 1]);
		expect(seed.companies.map((company) => company.linkedin_accounts?.length)).toEqual([4, 1, 1]);
		const accounts = seed.companies[0].linkedin_accounts ?? [];
		expect(accounts.map((account) => account.id)).toEqual([456, 457, 458, 459]);
		expect(accounts.map((account) => account.fail === true)).toEqual([false, false, true, false]);
		expect(accounts.map((account) => account.faults)).toEqual([undefined, undefined, undefined, ['503', 'reset']]);
		expect(seed.settings).toBeUndefined();
	});

	test.each([
		['duplicate company id', { apiKeys: [], companies: [{ ...NORTHWIND }, { ...NORTHWIND }] }, 'companies[1].id 123 is used more than once'],
		['non-integer company id', { apiKeys: [], companies: [{ ...NORTHWIND, id: '123' }] }, 'companies[0].id must be a positive integer'],
		['missing company field', { apiKeys: [], companies: [{ ...NORTHWIND, owner: undefined }] }, 'companies[0].owner must be a string'],
		['non-boolean fail', { apiKeys: [], companies: [{ ...NORTHWIND, linkedin_accounts: [{ id: 1, fail: 'yes' }] }] }, 'companies[0].linkedin_accounts[0].fail must be true or false'],
		['numeric session status', { apiKeys: [], companies: [{ ...NORTHWIND, linkedin_accounts: [{ id: 1, session_status: 1 }] }] }, 'companies[0].linkedin_accounts[0].session_status must be a string or null when present, got 1'],
		['duplicate account id', {
			apiKeys: [],
			companies: [
				{ ...NORTHWIND, linkedin_accounts: [{ id: 1 }] },
				{ ...FABRIKAM, linkedin_accounts: [{ id: 1 }] },
			],
		}, 'companies[1].linkedin_accounts[0].id 1 is used more than once'],
		['empty api key', { apiKeys: [''], companies: [] }, 'apiKeys[0] must be a non-empty string'],
		['missing companies', { apiKeys: [] }, 'companies must be an array'],
		['unknown account fault', {
			apiKeys: [],
			companies: [{ ...NORTHWIND, linkedin_accounts: [{ id: 1, faults: ['503', 'teapot'] }] }],
		}, 'companies[0].linkedin_accounts[0].faults[1] must be one of'],
		['non-array account faults', {
			apiKeys: [],
			companies: [{ ...NORTHWIND, linkedin_accounts: [{ id: 1, faults: '503' }] }],
		}, 'companies[0].linkedin_accounts[0].faults must be an array of faults'],
		['fault parameter of other fault', {
			apiKeys: [],
			companies: [{ ...NORTHWIND, linkedin_accounts: [{ id: 1, faults: [{ fault: '503', delayMs: 5 }] }] }],
		}, 'companies[0].linkedin_accounts[0].faults[0].delayMs is not a parameter of fault "503"'],
		['unknown setting', { apiKeys: [], companies: [], settings: { concurrencyEnabled: true } }, 'settings.concurrencyEnabled is not a known setting'],
		['invalid setting', { apiKeys: [], companies: [], settings: { concurrency: { enabled: 'yes' } } }, 'Invalid seed (object): settings.concurrency.enabled must be true or false'],
	])('rejects %s', (_case, seed, message) => {
		expect(() => loadSeed(seed as any)).toThrow(message);
	});

	test('rejects missing seed file', () => {
		expect(() => loadSeed(join(tmpdir(), 'no-such-sandbox-seed.json'))).toThrow('Failed to read seed file');
	});
});

const SECOND_KEY = 'second-agency-key';
const TOO_MANY_REQUESTS_BODY = {
	type: 'TOO_MANY_REQUESTS',
	code: 'TOO_MANY_REQUESTS',
	message: 'Too many requests in progress for this API key.',
	request_id: expect.stringMatching(UUID),
};
const INTERNAL_ERROR_BODY = {
	type: 'INTERNAL_ERROR',
	code: 'INTERNAL_SERVER_ERROR',
	message: 'An unexpected error occurred on the server.',
	request_id: expect.stringMatching(UUID),
};
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Returns the default seed with a second API key, to check that one key's queue leaves the other alone. */
function twoKeySeed() {
	return { ...loadSeed(), apiKeys: [API_KEY, SECOND_KEY] };
}

interface TimedResult {
	response: ApiResponse;
	/** Position in which the response arrived, from 1. */
	order: number;
	elapsedMs: number;
}

interface PlannedRequest {
	method?: string;
	path: string;
	apiKey?: string | null;
}

/** Sends all requests at once and notes in which order and after how long each response arrived. */
async function sendAtOnce(sandbox: Sandbox, requests: PlannedRequest[]): Promise<TimedResult[]> {
	const started = performance.now();
	let arrived = 0;
	return Promise.all(requests.map(async ({ method = 'POST', path, apiKey = API_KEY }) => {
		const response = await call(sandbox, method, path, apiKey);
		arrived += 1;
		return { response, order: arrived, elapsedMs: performance.now() - started };
	}));
}

function repeat(count: number, request: PlannedRequest): PlannedRequest[] {
	return Array.from({ length: count }, () => request);
}

/** Polls until `condition` holds, and fails after a generous 5 seconds. */
async function waitFor(condition: () => boolean, description: string): Promise<void> {
	const deadline = Date.now() + 5000;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error(`Timed out waiting for ${description}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

function withStatus(results: TimedResult[], status: number): TimedResult[] {
	return results.filter((result) => result.response.status === status);
}

/** Checks that every result in `earlier` arrived before every result in `later`. */
function expectArrivedBefore(earlier: TimedResult[], later: TimedResult[]): void {
	expect(Math.max(...earlier.map((result) => result.order))).toBeLessThan(Math.min(...later.map((result) => result.order)));
}

function expectTooManyRequests(response: ApiResponse, status = 429): void {
	expect(response.status).toBe(status);
	expect(response.contentType).toBe('application/json');
	expect(response.body).toEqual(TOO_MANY_REQUESTS_BODY);
	expect(response.headers.get('retry-after')).toBeNull();
}

function expectConnectLink(response: ApiResponse, accountId: number): void {
	expect(response.status).toBe(201);
	expect(response.body.account_id).toBe(accountId);
	expect(response.body.connect_account_link).toMatch(CONNECT_LINK);
}

describe('sandbox concurrency rule', () => {
	let sandbox: Sandbox | undefined;

	afterEach(async () => {
		await sandbox?.close();
		sandbox = undefined;
	});

	test('queue admits one plus six', async () => {
		sandbox = await startSandbox({ concurrency: { enabled: true }, serviceTimeMs: 100 });
		// The first admitted request stays in progress for over a second, so all ten requests
		// reach the sandbox while it runs, even on a loaded machine.
		sandbox.injectFaults([{ fault: 'slow', delayMs: 1000 }]);

		const results = await sendAtOnce(sandbox, repeat(10, { path: connectLinkPath(123, 456) }));

		const admitted = withStatus(results, 201);
		const rejected = withStatus(results, 429);
		expect(admitted).toHaveLength(7);
		expect(rejected).toHaveLength(3);
		for (const { response } of admitted) {
			expectConnectLink(response, 456);
		}
		for (const { response } of rejected) {
			expectTooManyRequests(response);
		}
		expectArrivedBefore(rejected, admitted);
		expect(sandbox.stats).toEqual({
			received: 10,
			answered: { 201: 7, 429: 3 },
			rejectedByConcurrency: 3,
			faults: { slow: 1 },
			maxInProgress: 1,
			maxQueued: 6,
			// The rejected requests get their response at once, so whether they overlap depends on timing.
			maxOpen: expect.any(Number),
		});
		// The seven admitted requests stay open together, and at least one rejected one beside them.
		expect(sandbox.stats.maxOpen).toBeGreaterThanOrEqual(8);
		expect(sandbox.stats.maxOpen).toBeLessThanOrEqual(10);
	});

	test('other key is not affected', async () => {
		sandbox = await startSandbox({ seed: twoKeySeed(), concurrency: { enabled: true }, serviceTimeMs: 100 });
		sandbox.injectFaults([{ fault: 'slow', accountId: 456, delayMs: 1000 }]);

		const results = await sendAtOnce(sandbox, [
			...repeat(8, { path: connectLinkPath(123, 456) }),
			{ path: connectLinkPath(123, 457), apiKey: SECOND_KEY },
		]);

		const firstKey = results.slice(0, 8);
		const secondKey = results[8];
		expectConnectLink(secondKey.response, 457);
		expect(withStatus(firstKey, 201)).toHaveLength(7);
		expect(withStatus(firstKey, 429)).toHaveLength(1);
		expectArrivedBefore([secondKey], withStatus(firstKey, 201));
		expect(sandbox.stats.maxInProgress).toBe(1);
		expect(sandbox.stats.maxQueued).toBe(6);
		expect(sandbox.stats.rejectedByConcurrency).toBe(1);
	});

	test('queued request times out', async () => {
		sandbox = await startSandbox({ concurrency: { enabled: true, maxQueueWaitMs: 200 }, serviceTimeMs: 1500 });

		const results = await sendAtOnce(sandbox, repeat(3, { path: connectLinkPath(123, 456) }));

		const admitted = withStatus(results, 201);
		const timedOut = withStatus(results, 429);
		expect(admitted).toHaveLength(1);
		expect(timedOut).toHaveLength(2);
		for (const result of timedOut) {
			expectTooManyRequests(result.response);
			// A rejection after the 200 ms queue wait takes at least that long. The lower bound
			// leaves room for timer and clock rounding.
			expect(result.elapsedMs).toBeGreaterThanOrEqual(150);
		}
		expectArrivedBefore(timedOut, admitted);
		expect(sandbox.stats.maxQueued).toBe(2);
		expect(sandbox.stats.rejectedByConcurrency).toBe(2);
	});

	test('reject status is configurable', async () => {
		sandbox = await startSandbox({ concurrency: { enabled: true, maxQueued: 0, rejectStatus: 503 }, serviceTimeMs: 1000 });

		const results = await sendAtOnce(sandbox, repeat(2, { path: connectLinkPath(123, 456) }));

		expect(withStatus(results, 201)).toHaveLength(1);
		const rejected = withStatus(results, 503);
		expect(rejected).toHaveLength(1);
		expectTooManyRequests(rejected[0].response, 503);
		expect(sandbox.stats.answered).toEqual({ 201: 1, 503: 1 });
	});

	test('401 and control requests skip the queue', async () => {
		sandbox = await startSandbox({ concurrency: { enabled: true, maxQueued: 0 }, serviceTimeMs: 1500 });
		const current = sandbox;
		const busy = sendAtOnce(current, [{ path: connectLinkPath(123, 456) }]);
		await waitFor(() => current.stats.maxInProgress === 1, 'the first request to be in progress');

		const others = await sendAtOnce(current, [
			{ path: connectLinkPath(123, 456), apiKey: 'wrong-key' },
			{ path: connectLinkPath(123, 456), apiKey: null },
			{ method: 'GET', path: '/__sandbox/stats', apiKey: null },
			{ path: connectLinkPath(123, 456) },
		]);
		// All four got their responses while the first request was still in progress.
		expect(current.requests[0].status).toBeNull();
		const [first] = await busy;

		expectUnauthorized(others[0].response);
		expectUnauthorized(others[1].response);
		expect(others[2].response.status).toBe(200);
		expectTooManyRequests(others[3].response);
		expectConnectLink(first.response, 456);
		expect(current.stats.rejectedByConcurrency).toBe(1);
		expect(current.stats.answered).toEqual({ 201: 1, 401: 2, 429: 1 });
	});

	test('rule is off by default', async () => {
		sandbox = await startSandbox({ serviceTimeMs: 400 });

		const results = await sendAtOnce(sandbox, repeat(10, { path: connectLinkPath(123, 456) }));

		expect(withStatus(results, 201)).toHaveLength(10);
		expect(sandbox.settings.concurrency.enabled).toBe(false);
		expect(sandbox.stats.maxInProgress).toBeGreaterThan(1);
		expect(sandbox.stats.rejectedByConcurrency).toBe(0);
	});

	test('service time range', async () => {
		sandbox = await startSandbox({ serviceTimeMs: { min: 200, max: 300 } });

		const [result] = await sendAtOnce(sandbox, [{ path: connectLinkPath(123, 456) }]);

		expectConnectLink(result.response, 456);
		expect(result.elapsedMs).toBeGreaterThanOrEqual(180);
	});
});

describe('sandbox network delay', () => {
	let sandbox: Sandbox | undefined;

	afterEach(async () => {
		await sandbox?.close();
		sandbox = undefined;
	});

	test('delay applies to every API response', async () => {
		sandbox = await startSandbox({ networkDelayMs: 400 });

		const results = await sendAtOnce(sandbox, [
			{ path: connectLinkPath(123, 456) },
			{ path: connectLinkPath(123, 456), apiKey: 'wrong-key' },
			{ method: 'GET', path: '/rest/v2/unknown' },
			{ method: 'GET', path: '/__sandbox/stats', apiKey: null },
		]);

		const [created, unauthorizedResult, unknown, control] = results;
		expect(created.response.status).toBe(201);
		expect(unauthorizedResult.response.status).toBe(401);
		expect(unknown.response.status).toBe(404);
		for (const result of [created, unauthorizedResult, unknown]) {
			expect(result.elapsedMs).toBeGreaterThanOrEqual(380);
		}
		// Control requests are never delayed.
		expectArrivedBefore([control], [created, unauthorizedResult, unknown]);
	});

	test('response half is not in progress', async () => {
		// Request A reaches the queue at 600 ms, is in progress until 650 ms and gets its response
		// at 1250 ms. Request B, sent 400 ms later, reaches the queue at 1000 ms. A full queue
		// (maxQueued 0) would reject B if A still counted as in progress after it left.
		sandbox = await startSandbox({ concurrency: { enabled: true, maxQueued: 0 }, networkDelayMs: 1200, serviceTimeMs: 50 });
		const current = sandbox;

		const first = sendAtOnce(current, [{ path: connectLinkPath(123, 456) }]);
		await new Promise((resolve) => setTimeout(resolve, 400));
		const second = sendAtOnce(current, [{ path: connectLinkPath(123, 456) }]);
		const [[a], [b]] = await Promise.all([first, second]);

		expectConnectLink(a.response, 456);
		expectConnectLink(b.response, 456);
		expect(a.elapsedMs).toBeGreaterThanOrEqual(1150);
		expect(current.stats.rejectedByConcurrency).toBe(0);
		expect(current.stats.maxInProgress).toBe(1);
	});
});

interface FaultCase {
	input: string | Record<string, unknown>;
	check: (response: ApiResponse, timing: { before: number; after: number; elapsedMs: number }) => void;
}

function expectProxyPage(response: ApiResponse, status: number, title: string): void {
	expect(response.status).toBe(status);
	expect(response.contentType).toBe('text/html');
	expect(response.text).toMatch(/^<html><head><title>/);
	expect(response.text).toContain(`<title>${status} ${title}</title>`);
	expect(response.text.trimEnd()).toMatch(/<\/body><\/html>$/);
}

/** Expected response of each fault that sends one, for POST connect link 123/456. */
const FAULT_CASES: Record<string, FaultCase> = {
	'429': {
		input: '429',
		check: (response) => expectTooManyRequests(response),
	},
	'429-retry-after-seconds': {
		input: '429-retry-after-seconds',
		check: (response) => {
			expect(response.status).toBe(429);
			expect(response.body).toEqual(TOO_MANY_REQUESTS_BODY);
			expect(response.headers.get('retry-after')).toBe('1');
		},
	},
	'429-retry-after-seconds with 3 s': {
		input: { fault: '429-retry-after-seconds', retryAfterSeconds: 3 },
		check: (response) => {
			expect(response.status).toBe(429);
			expect(response.headers.get('retry-after')).toBe('3');
		},
	},
	'429-retry-after-date': {
		input: '429-retry-after-date',
		check: (response, { before, after }) => {
			expect(response.status).toBe(429);
			expect(response.body).toEqual(TOO_MANY_REQUESTS_BODY);
			const value = response.headers.get('retry-after') ?? '';
			expect(value).toMatch(HTTP_DATE);
			// The date is at least one second after the server's clock, rounded up to a whole second.
			expect(Date.parse(value)).toBeGreaterThanOrEqual(before + 1000);
			expect(Date.parse(value)).toBeLessThanOrEqual(after + 2000);
		},
	},
	'429-retry-after-date with 5 s': {
		input: { fault: '429-retry-after-date', retryAfterSeconds: 5 },
		check: (response, { before, after }) => {
			const date = Date.parse(response.headers.get('retry-after') ?? '');
			expect(date).toBeGreaterThanOrEqual(before + 5000);
			expect(date).toBeLessThanOrEqual(after + 6000);
		},
	},
	'500': {
		input: '500',
		check: (response) => {
			expect(response.status).toBe(500);
			expect(response.contentType).toBe('application/json');
			expect(response.body).toEqual(INTERNAL_ERROR_BODY);
		},
	},
	'502': { input: '502', check: (response) => expectProxyPage(response, 502, 'Bad Gateway') },
	'503': { input: '503', check: (response) => expectProxyPage(response, 503, 'Service Unavailable') },
	'504': { input: '504', check: (response) => expectProxyPage(response, 504, 'Gateway Timeout') },
	slow: {
		input: { fault: 'slow', delayMs: 300 },
		check: (response, { elapsedMs }) => {
			expectConnectLink(response, 456);
			expect(elapsedMs).toBeGreaterThanOrEqual(280);
		},
	},
	'empty-201': {
		input: 'empty-201',
		check: (response) => {
			expect(response.status).toBe(201);
			expect(response.contentType).toBe('application/json');
			expect(response.headers.get('content-length')).toBe('0');
			expect(response.text).toBe('');
		},
	},
	'html-login-200': {
		input: 'html-login-200',
		check: (response) => {
			expect(response.status).toBe(200);
			expect(response.contentType).toBe('text/html');
			expect(response.text).toContain('<title>Log in - Woodpecker</title>');
			expect(response.text).toContain('<form');
			expect(response.text).toContain('type="password"');
		},
	},
	'no-link-201': {
		input: 'no-link-201',
		check: (response) => {
			expect(response.status).toBe(201);
			expect(response.contentType).toBe('application/json');
			expect(response.body).toEqual({ account_id: 456 });
		},
	},
	'huge-body': {
		input: 'huge-body',
		check: (response) => {
			expect(response.status).toBe(500);
			expect(response.contentType).toBe('application/json');
			expect(response.text.length).toBeGreaterThan(5 * 1024 * 1024);
			expect(response.body.type).toBe('INTERNAL_ERROR');
			expect(response.body.message).toBe('x'.repeat(5 * 1024 * 1024));
		},
	},
	'echo-headers': {
		input: 'echo-headers',
		check: (response) => {
			expect(response.status).toBe(400);
			expect(response.contentType).toBe('application/json');
			expect(response.body).toMatchObject({ type: 'VALIDATION_ERROR', code: 'BAD_REQUEST' });
			expect(response.body.message).toContain('Invalid request headers: ');
			expect(response.body.message).toContain(`"x-api-key":"${API_KEY}"`);
		},
	},
};

/** Fetches and expects a socket error instead of a response. */
async function expectSocketError(sandbox: Sandbox, path: string): Promise<void> {
	const error = await fetch(sandbox.url + path, { method: 'POST', headers: { 'x-api-key': API_KEY } }).then(
		() => undefined,
		(rejection: unknown) => rejection as Error & { cause?: { code?: string } },
	);
	// fetch runs outside Jest's realm, so toBeInstanceOf(TypeError) would not match.
	expect(error?.name).toBe('TypeError');
	expect(error?.message).toBe('fetch failed');
	expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(error?.cause?.code);
}

describe('sandbox faults', () => {
	let sandbox: Sandbox;

	beforeEach(async () => {
		sandbox = await startSandbox();
	});

	afterEach(async () => {
		await sandbox.close();
	});

	test('every fault has a test', () => {
		const tested = new Set([...Object.values(FAULT_CASES).map(({ input }) => (typeof input === 'string' ? input : input.fault)), 'reset', 'hang']);
		expect([...tested].sort()).toEqual([...FAULT_NAMES].sort());
	});

	test.each(Object.entries(FAULT_CASES))('fault %s', async (_name, { input, check }) => {
		const faultName = typeof input === 'string' ? input : input.fault;
		sandbox.injectFaults([input as any]);

		const before = Date.now();
		const started = performance.now();
		const response = await call(sandbox, 'POST', connectLinkPath(123, 456));
		const elapsedMs = performance.now() - started;
		const after = Date.now();

		check(response, { before, after, elapsedMs });
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0].fault).toBe(faultName);
		expect(sandbox.requests[0].status).toBe(response.status);
		expect(sandbox.stats.faults).toEqual({ [String(faultName)]: 1 });
		const next = await call(sandbox, 'POST', connectLinkPath(123, 456));
		expectConnectLink(next, 456);
		expect(sandbox.requests[1].fault).toBeNull();
	});

	test('reset destroys the socket', async () => {
		sandbox.injectFaults(['reset']);

		await expectSocketError(sandbox, connectLinkPath(123, 456));

		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({ fault: 'reset', status: null });
		expect(sandbox.stats.answered).toEqual({});
		expect(sandbox.stats.faults).toEqual({ reset: 1 });
		expectConnectLink(await call(sandbox, 'POST', connectLinkPath(123, 456)), 456);
	});

	test('hang ends on client abort', async () => {
		sandbox.injectFaults(['hang']);

		const request = fetch(`${sandbox.url}${connectLinkPath(123, 456)}`, {
			method: 'POST',
			headers: { 'x-api-key': API_KEY },
			signal: AbortSignal.timeout(300),
		});

		await expect(request).rejects.toThrow(/aborted/);
		expect(sandbox.requests[0]).toMatchObject({ fault: 'hang', status: null });
		expect(sandbox.stats.answered).toEqual({});
		expectConnectLink(await call(sandbox, 'POST', connectLinkPath(123, 456)), 456);
	});

	test('slow defaults to 2000 ms', () => {
		sandbox.injectFaults(['slow']);

		expect(sandbox.pendingFaults()).toEqual([{ fault: 'slow', delayMs: 2000, times: 1 }]);
	});

	test('no-link-201 on companies', async () => {
		sandbox.injectFaults(['no-link-201']);

		const response = await call(sandbox, 'GET', '/rest/v2/agency/companies');

		expect(response.status).toBe(201);
		expect(response.body).toEqual({ account_id: null });
	});
});

describe('sandbox close', () => {
	test('close ends hung and queued requests', async () => {
		const sandbox = await startSandbox({ concurrency: { enabled: true } });
		sandbox.injectFaults(['hang', { fault: 'slow', delayMs: 10_000 }]);
		const send = () => fetch(`${sandbox.url}${connectLinkPath(123, 456)}`, { method: 'POST', headers: { 'x-api-key': API_KEY } })
			.then(() => 'answered', () => 'failed');

		const hung = send();
		await waitFor(() => sandbox.stats.faults.hang === 1, 'the hang fault');
		const inProgress = send();
		await waitFor(() => sandbox.stats.faults.slow === 1, 'the slow fault');
		const queued = send();
		await waitFor(() => sandbox.stats.maxQueued === 1, 'a queued request');

		const started = performance.now();
		await sandbox.close();
		const closeMs = performance.now() - started;

		expect(closeMs).toBeLessThan(3000);
		expect(await Promise.all([hung, inProgress, queued])).toEqual(['failed', 'failed', 'failed']);
		expect(sandbox.requests.map((request) => request.status)).toEqual([null, null, null]);
		expect(sandbox.server.listening).toBe(false);
	});
});

describe('sandbox fault sources', () => {
	let sandbox: Sandbox | undefined;

	afterEach(async () => {
		await sandbox?.close();
		sandbox = undefined;
	});

	test('seeded faults in order, then normal', async () => {
		sandbox = await startSandbox();

		const first = await call(sandbox, 'POST', connectLinkPath(123, 459));
		const otherAccount = await call(sandbox, 'POST', connectLinkPath(123, 457));
		await expectSocketError(sandbox, connectLinkPath(123, 459));
		const third = await call(sandbox, 'POST', connectLinkPath(123, 459));
		const fourth = await call(sandbox, 'POST', connectLinkPath(123, 459));

		expectProxyPage(first, 503, 'Service Unavailable');
		expectConnectLink(otherAccount, 457);
		expectConnectLink(third, 459);
		expectConnectLink(fourth, 459);
		expect(sandbox.requests.map(({ fault, status }) => ({ fault, status }))).toEqual([
			{ fault: '503', status: 503 },
			{ fault: null, status: 201 },
			{ fault: 'reset', status: null },
			{ fault: null, status: 201 },
			{ fault: null, status: 201 },
		]);
	});

	test('seeded faults skip other routes', async () => {
		sandbox = await startSandbox();

		const companies = await call(sandbox, 'GET', '/rest/v2/agency/companies');
		const unauthorizedResponse = await call(sandbox, 'POST', connectLinkPath(123, 459), 'wrong-key');
		const first = await call(sandbox, 'POST', connectLinkPath(123, 459));

		expect(companies.status).toBe(200);
		expectUnauthorized(unauthorizedResponse);
		expect(first.status).toBe(503);
	});

	test('seed object faults take parameters', async () => {
		const seed = {
			apiKeys: ['k'],
			companies: [{ ...NORTHWIND, linkedin_accounts: [{ id: 1, faults: [{ fault: '429-retry-after-seconds', retryAfterSeconds: 7 }] }] }],
		};
		sandbox = await startSandbox({ seed });

		const response = await call(sandbox, 'POST', connectLinkPath(123, 1), 'k');

		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBe('7');
		expect(seed.companies[0].linkedin_accounts[0].faults).toHaveLength(1);
	});

	test('seeded faults never leak', async () => {
		const seed = {
			apiKeys: ['k'],
			companies: [{ ...NORTHWIND, linkedin_accounts: [{ id: 1, faults: ['500', 'no-link-201', 'echo-headers'] }, { id: 2, fail: true }] }],
		};
		sandbox = await startSandbox({ seed });

		const responses = [
			await call(sandbox, 'POST', connectLinkPath(123, 1), 'k'),
			await call(sandbox, 'POST', connectLinkPath(123, 1), 'k'),
			await call(sandbox, 'POST', connectLinkPath(123, 1), 'k'),
			await call(sandbox, 'POST', connectLinkPath(123, 1), 'k'),
			await call(sandbox, 'POST', connectLinkPath(123, 2), 'k'),
			await call(sandbox, 'GET', '/rest/v2/agency/companies', 'k'),
		];

		expect(responses.map((response) => response.status)).toEqual([500, 201, 400, 201, 500, 200]);
		for (const response of responses) {
			expect(response.text).not.toContain('faults');
			expect(response.text).not.toContain('fail');
			expect(response.text).not.toContain('linkedin_accounts');
		}
	});

	test('seeded faults come first', async () => {
		sandbox = await startSandbox();
		sandbox.injectFaults([{ fault: '500', accountId: 459 }, '502']);

		const statuses = [];
		statuses.push((await call(sandbox, 'POST', connectLinkPath(123, 459))).status);
		await expectSocketError(sandbox, connectLinkPath(123, 459));
		for (let index = 0; index < 3; index += 1) {
			statuses.push((await call(sandbox, 'POST', connectLinkPath(123, 459))).status);
		}

		expect(statuses).toEqual([503, 500, 502, 201]);
		expect(sandbox.requests.map((request) => request.fault)).toEqual(['503', 'reset', '500', '502', null]);
	});

	test('injected faults by account and times', async () => {
		sandbox = await startSandbox();
		sandbox.injectFaults([{ fault: '503', accountId: 457, times: 2 }, { fault: '502' }]);

		const statuses = [
			(await call(sandbox, 'GET', '/rest/v2/agency/companies')).status,
			(await call(sandbox, 'POST', connectLinkPath(123, 456))).status,
			(await call(sandbox, 'POST', connectLinkPath(123, 457))).status,
		];
		expect(sandbox.pendingFaults()).toEqual([{ fault: '503', accountId: 457, times: 1 }]);
		statuses.push(
			(await call(sandbox, 'POST', connectLinkPath(123, 457))).status,
			(await call(sandbox, 'POST', connectLinkPath(123, 457))).status,
		);

		expect(statuses).toEqual([502, 201, 503, 503, 201]);
		expect(sandbox.pendingFaults()).toEqual([]);
	});

	test('account fault needs exact account segment', async () => {
		sandbox = await startSandbox();
		sandbox.injectFaults([{ fault: '503', accountId: 456 }]);

		expectInvalidAccount(await call(sandbox, 'POST', connectLinkPath(123, '0456')));
		expect((await call(sandbox, 'POST', connectLinkPath(123, 456))).status).toBe(503);
	});

	test('401 and 404 take no fault', async () => {
		sandbox = await startSandbox();
		sandbox.injectFaults(['500']);

		expectUnauthorized(await call(sandbox, 'POST', connectLinkPath(123, 456), 'wrong-key'));
		expectNotFound(await call(sandbox, 'GET', '/rest/v2/unknown'), 'Requested resource does not exist');
		const response = await call(sandbox, 'POST', connectLinkPath(123, 456));

		expect(response.status).toBe(500);
		expect(sandbox.requests.map((request) => request.fault)).toEqual([null, null, '500']);
	});

	test('control endpoints manage faults', async () => {
		sandbox = await startSandbox();

		const added = await call(sandbox, 'POST', '/__sandbox/faults', null, JSON.stringify([
			{ fault: '504', times: 2 },
			{ fault: '429-retry-after-date', accountId: 460, retryAfterSeconds: 2 },
		]));
		const listed = await call(sandbox, 'GET', '/__sandbox/faults', null);
		const faulted = await call(sandbox, 'GET', '/rest/v2/agency/companies');
		const cleared = await call(sandbox, 'DELETE', '/__sandbox/faults', null);
		const afterClear = await call(sandbox, 'GET', '/__sandbox/faults', null);
		const normal = await call(sandbox, 'GET', '/rest/v2/agency/companies');

		expect(added.status).toBe(204);
		expect(listed.body).toEqual([
			{ fault: '504', times: 2 },
			{ fault: '429-retry-after-date', accountId: 460, retryAfterSeconds: 2, times: 1 },
		]);
		expect(faulted.status).toBe(504);
		expect(cleared.status).toBe(204);
		expect(afterClear.body).toEqual([]);
		expect(normal.status).toBe(200);
		expect(sandbox.requests).toHaveLength(2);
	});

	test.each([
		['not JSON', '[', 'Request body is not valid JSON'],
		['not an array', '{"fault":"503"}', 'faults must be an array'],
		['unknown fault', '["503","teapot"]', 'faults[1] must be one of 429, 500, 502, 503, 504, 429-retry-after-seconds'],
		['unknown account', '[{"fault":"503","accountId":999}]', 'faults[0].accountId must be the id of a seeded LinkedIn account, got 999'],
		['zero times', '[{"fault":"503","times":0}]', 'faults[0].times must be a positive integer, got 0'],
		['wrong parameter', '[{"fault":"503","delayMs":5}]', 'faults[0].delayMs is not a parameter of fault "503", which takes none'],
		['negative parameter', '[{"fault":"slow","delayMs":-5}]', 'faults[0].delayMs must be a non-negative integer, got -5'],
	])('POST faults rejects %s', async (_case, body, message) => {
		sandbox = await startSandbox();
		sandbox.injectFaults(['500']);

		const response = await call(sandbox, 'POST', '/__sandbox/faults', null, body);

		expect(response.status).toBe(400);
		expect(response.body.message).toContain(message);
		expect(sandbox.pendingFaults()).toEqual([{ fault: '500', times: 1 }]);
	});

	test('injectFaults rejects a bad batch whole', async () => {
		sandbox = await startSandbox();
		const current = sandbox;

		expect(() => current.injectFaults(['503', { fault: '503', accountId: 4560 }])).toThrow(
			'Invalid fault injection: faults[1].accountId must be the id of a seeded LinkedIn account, got 4560',
		);
		expect(current.pendingFaults()).toEqual([]);
	});
});

describe('sandbox random faults', () => {
	const FAULT_STATUS: Record<string, number> = { 429: 429, 500: 500, 503: 503 };

	/** Sends `count` companies requests one after another and returns the faults they got. */
	async function faultSequence(randomFaults: { rate: number; faults: string[]; seed?: number }, count: number) {
		const sandbox = await startSandbox({ randomFaults });
		try {
			for (let index = 0; index < count; index += 1) {
				const response = await call(sandbox, 'GET', '/rest/v2/agency/companies');
				const { fault } = sandbox.requests[index];
				expect(response.status).toBe(fault === null ? 200 : FAULT_STATUS[fault]);
			}
			return sandbox.requests.map((request) => request.fault);
		} finally {
			await sandbox.close();
		}
	}

	test('same seed repeats the sequence', async () => {
		const options = { rate: 0.5, faults: ['429', '500', '503'], seed: 42 };

		const first = await faultSequence(options, 60);
		const second = await faultSequence(options, 60);

		expect(second).toEqual(first);
		expect(first.some((fault) => fault === null)).toBe(true);
		expect(first.some((fault) => fault !== null)).toBe(true);
	});

	test('other seed gives another sequence', async () => {
		const first = await faultSequence({ rate: 0.5, faults: ['429', '500', '503'], seed: 42 }, 60);
		const second = await faultSequence({ rate: 0.5, faults: ['429', '500', '503'], seed: 43 }, 60);

		expect(second).not.toEqual(first);
	});

	test('rate is roughly kept', async () => {
		const faults = await faultSequence({ rate: 0.2, faults: ['429', '500', '503'], seed: 7 }, 300);

		const faulted = faults.filter((fault) => fault !== null);
		// 300 draws at rate 0.2 give 60 on average, with a standard deviation of about 7.
		expect(faulted.length).toBeGreaterThanOrEqual(35);
		expect(faulted.length).toBeLessThanOrEqual(85);
		expect(new Set(faulted)).toEqual(new Set(['429', '500', '503']));
	});

	test('rate 0 and rate 1', async () => {
		expect(await faultSequence({ rate: 0, faults: ['503'] }, 20)).toEqual(Array(20).fill(null));
		expect(await faultSequence({ rate: 1, faults: ['503'] }, 20)).toEqual(Array(20).fill('503'));
	});

	test('seed defaults to 1', async () => {
		const withDefault = await faultSequence({ rate: 0.5, faults: ['429', '503'] }, 30);
		const withOne = await faultSequence({ rate: 0.5, faults: ['429', '503'], seed: 1 }, 30);

		expect(withDefault).toEqual(withOne);
	});

	test('injected faults come before random', async () => {
		const sandbox = await startSandbox({ randomFaults: { rate: 1, faults: ['503'] } });
		try {
			sandbox.injectFaults(['500']);

			const statuses = [
				(await call(sandbox, 'GET', '/rest/v2/agency/companies')).status,
				(await call(sandbox, 'GET', '/rest/v2/agency/companies')).status,
			];

			expect(statuses).toEqual([500, 503]);
		} finally {
			await sandbox.close();
		}
	});
});

describe('sandbox stats and settings', () => {
	let sandbox: Sandbox | undefined;

	afterEach(async () => {
		await sandbox?.close();
		sandbox = undefined;
	});

	test('stats count API requests', async () => {
		sandbox = await startSandbox();
		sandbox.injectFaults([{ fault: '503', accountId: 457 }]);

		await call(sandbox, 'POST', connectLinkPath(123, 456));
		await call(sandbox, 'POST', connectLinkPath(123, 456), 'wrong-key');
		await call(sandbox, 'GET', '/rest/v2/unknown');
		await call(sandbox, 'POST', connectLinkPath(123, 457));
		await call(sandbox, 'GET', '/__sandbox/requests', null);
		const listed = await call(sandbox, 'GET', '/__sandbox/stats', null);

		const expected = {
			received: 4,
			answered: { 201: 1, 401: 1, 404: 1, 503: 1 },
			rejectedByConcurrency: 0,
			faults: { 503: 1 },
			maxInProgress: 1,
			maxQueued: 0,
			maxOpen: 1,
		};
		expect(sandbox.stats).toEqual(expected);
		expect(listed.status).toBe(200);
		expect(listed.body).toEqual(expected);
	});

	test('stats are a snapshot', async () => {
		sandbox = await startSandbox();
		await call(sandbox, 'GET', '/rest/v2/agency/companies');

		const snapshot = sandbox.stats;
		snapshot.received = 99;
		snapshot.answered[200] = 99;

		expect(sandbox.stats.received).toBe(1);
		expect(sandbox.stats.answered).toEqual({ 200: 1 });
	});

	test('stats reset', async () => {
		sandbox = await startSandbox();
		const zero = { received: 0, answered: {}, rejectedByConcurrency: 0, faults: {}, maxInProgress: 0, maxQueued: 0, maxOpen: 0 };
		await call(sandbox, 'GET', '/rest/v2/agency/companies');

		sandbox.resetStats();
		expect(sandbox.stats).toEqual(zero);

		await call(sandbox, 'GET', '/rest/v2/agency/companies');
		const deleted = await call(sandbox, 'DELETE', '/__sandbox/stats', null);
		expect(deleted.status).toBe(204);
		expect(sandbox.stats).toEqual(zero);
		expect(sandbox.requests).toHaveLength(2);
	});

	test('default settings', async () => {
		sandbox = await startSandbox();

		const expected = {
			concurrency: { enabled: false, maxQueued: 6, maxQueueWaitMs: 15000, rejectStatus: 429 },
			serviceTimeMs: 0,
			networkDelayMs: 0,
			randomFaults: null,
		};
		expect(sandbox.settings).toEqual(expected);
		expect((await call(sandbox, 'GET', '/__sandbox/settings', null)).body).toEqual(expected);
	});

	test('options override seed settings', async () => {
		const seed = {
			...loadSeed(),
			settings: {
				concurrency: { enabled: true, maxQueued: 2 },
				serviceTimeMs: { min: 1, max: 5 },
				networkDelayMs: 3,
				randomFaults: { rate: 0.5, faults: ['503'] },
			},
		};
		sandbox = await startSandbox({ seed, concurrency: { maxQueued: 3 }, networkDelayMs: 0, randomFaults: null });

		expect(sandbox.settings).toEqual({
			concurrency: { enabled: true, maxQueued: 3, maxQueueWaitMs: 15000, rejectStatus: 429 },
			serviceTimeMs: { min: 1, max: 5 },
			networkDelayMs: 0,
			randomFaults: null,
		});
	});

	test('seed settings apply alone', async () => {
		const seed = { ...loadSeed(), settings: { randomFaults: { rate: 1, faults: ['slow'], seed: 9 } } };
		sandbox = await startSandbox({ seed });

		expect(sandbox.settings.randomFaults).toEqual({ rate: 1, faults: [{ fault: 'slow', delayMs: 2000 }], seed: 9 });
	});
});

const LINKEDIN_ACCOUNTS_PATH = '/rest/v2/linkedin_accounts';
const ACCOUNT_FIELDS = ['full_name', 'id', 'level', 'linkedin_url', 'session_status', 'username'];
const WARSAW_BODY = JSON.stringify({ timezone: 'Europe/Warsaw' });
/** Seeded accounts of company 123 as the accounts list returns them, in seed order. */
const NORTHWIND_ACCOUNTS = [
	{
		id: 456,
		username: null,
		session_status: 'DISCONNECTED',
		full_name: 'Ada Lovelace',
		linkedin_url: 'https://www.linkedin.com/in/ada-lovelace-example',
		level: 'PREMIUM',
	},
	{
		id: 457,
		username: 'grace.hopper@northwind.example',
		session_status: 'CONNECTED',
		full_name: 'Grace Hopper',
		linkedin_url: 'https://www.linkedin.com/in/grace-hopper-example',
		level: 'PREMIUM',
	},
	{
		id: 458,
		username: null,
		session_status: 'WAITING_FOR_CONNECTION',
		full_name: 'Alan Turing',
		linkedin_url: 'https://www.linkedin.com/in/alan-turing-example',
		level: 'BASIC',
	},
	{
		id: 459,
		username: null,
		session_status: 'DISCONNECTED',
		full_name: 'Margaret Hamilton',
		linkedin_url: 'https://www.linkedin.com/in/margaret-hamilton-example',
		level: 'PREMIUM',
	},
];
/** Id that the first account created in the default seed gets: one above the largest, 470. */
const FIRST_NEW_ACCOUNT_ID = 471;

function createAccountPath(companyId: string | number): string {
	return `/rest/v2/agency/companies/${companyId}/linkedin_accounts`;
}

/** Lists LinkedIn accounts with the x-company-id header (none when null) and a query string. */
function listAccounts(sandbox: Sandbox, companyId: string | null, query = '', apiKey: string | null = API_KEY) {
	const headers: Record<string, string> = companyId === null ? {} : { 'x-company-id': companyId };
	return call(sandbox, 'GET', LINKEDIN_ACCOUNTS_PATH + query, apiKey, undefined, headers);
}

function createAccount(sandbox: Sandbox, companyId: string | number, body: string, apiKey: string | null = API_KEY) {
	return call(sandbox, 'POST', createAccountPath(companyId), apiKey, body);
}

function expectValidationError(response: ApiResponse, message: string): void {
	expect(response.status).toBe(400);
	expect(response.contentType).toBe('application/json');
	expect(response.body).toEqual({
		type: 'VALIDATION_ERROR',
		code: 'BAD_REQUEST',
		message,
		request_id: expect.stringMatching(UUID),
	});
}

/** Expects the accounts list of company 123 to hold only its seeded accounts. */
async function expectNorthwindUnchanged(sandbox: Sandbox): Promise<void> {
	const listed = await listAccounts(sandbox, '123');
	expect(listed.body).toEqual({ linkedin_accounts: NORTHWIND_ACCOUNTS });
}

describe('sandbox LinkedIn accounts list', () => {
	let sandbox: Sandbox;

	beforeEach(async () => {
		sandbox = await startSandbox();
	});

	afterEach(async () => {
		await sandbox.close();
	});

	test('accounts list for company', async () => {
		const response = await listAccounts(sandbox, '123');

		expect(response.status).toBe(200);
		expect(response.contentType).toBe('application/json');
		expect(response.body).toEqual({ linkedin_accounts: NORTHWIND_ACCOUNTS });
	});

	test('accounts have exactly six fields', async () => {
		const responses = [await listAccounts(sandbox, '123'), await listAccounts(sandbox, '124')];

		for (const response of responses) {
			expect(Object.keys(response.body)).toEqual(['linkedin_accounts']);
			for (const account of response.body.linkedin_accounts) {
				expect(Object.keys(account).sort()).toEqual(ACCOUNT_FIELDS);
			}
		}
		expect(responses[1].body.linkedin_accounts).toHaveLength(1);
	});

	test('seed without text fields', async () => {
		await sandbox.close();
		sandbox = await startSandbox({ seed: { apiKeys: ['k'], companies: [{ ...NORTHWIND, linkedin_accounts: [{ id: 1 }] }] } });

		const response = await listAccounts(sandbox, '123', '', 'k');

		expect(response.body).toEqual({
			linkedin_accounts: [{ id: 1, username: null, session_status: null, full_name: null, linkedin_url: null, level: null }],
		});
	});

	test.each([
		['CONNECTED', [457]],
		['DISCONNECTED', [456, 459]],
		['WAITING_FOR_CONNECTION', [458]],
	])('status filter %s', async (status, ids) => {
		const response = await listAccounts(sandbox, '123', `?status=${status}`);

		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			linkedin_accounts: NORTHWIND_ACCOUNTS.filter((account) => ids.includes(account.id)),
		});
	});

	test.each([
		['unknown value', '?status=BANNED'],
		['lowercase value', '?status=connected'],
		['empty value', '?status='],
	])('status filter, %s is empty', async (_case, query) => {
		const response = await listAccounts(sandbox, '123', query);

		expect(response.status).toBe(200);
		expect(response.body).toEqual({ linkedin_accounts: [] });
	});

	test('missing company header is empty', async () => {
		const all = await listAccounts(sandbox, null);
		const filtered = await listAccounts(sandbox, null, '?status=CONNECTED');

		expect(all.status).toBe(200);
		expect(all.body).toEqual({ linkedin_accounts: [] });
		expect(filtered.status).toBe(200);
		expect(filtered.body).toEqual({ linkedin_accounts: [] });
	});

	test.each([
		['inactive company', '125'],
		['unknown company', '999'],
		['non-numeric company', 'abc'],
		['empty company', ''],
		['zero company', '0'],
		['negative company', '-123'],
		['leading-zero company', '0123'],
		['fractional company', '123.0'],
		['huge company', '99999999999999999999'],
		['two companies', '123, 124'],
	])('accounts 404 for %s', async (_case, companyId) => {
		expectNotFound(await listAccounts(sandbox, companyId), 'No active company found');
	});

	test.each([
		['missing key', null, '123'],
		['wrong key', 'wrong-key', '123'],
		['wrong key, unknown company', 'wrong-key', '999'],
		['wrong key, no company', 'wrong-key', null],
	])('accounts 401 for %s', async (_case, apiKey, companyId) => {
		expectUnauthorized(await listAccounts(sandbox, companyId, '', apiKey));
	});

	test('accounts unknown route returns 404', async () => {
		expectNotFound(await call(sandbox, 'GET', `${LINKEDIN_ACCOUNTS_PATH}/`), 'Requested resource does not exist');
		expectNotFound(await call(sandbox, 'POST', LINKEDIN_ACCOUNTS_PATH), 'Requested resource does not exist');
	});

	test('sandbox fields never leak', async () => {
		await createAccount(sandbox, 123, JSON.stringify({ timezone: 'America/New_York' }));

		const responses = [
			await listAccounts(sandbox, '123'),
			await listAccounts(sandbox, '123', '?status=WAITING_FOR_CONNECTION'),
		];

		for (const response of responses) {
			expect(response.status).toBe(200);
			expect(response.text).not.toContain('fail');
			expect(response.text).not.toContain('faults');
			expect(response.text).not.toContain('timezone');
			expect(response.text).not.toContain('America/New_York');
		}
	});

	test('records company header', async () => {
		await listAccounts(sandbox, '123', '?status=CONNECTED');

		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe('GET');
		expect(request.path).toBe(LINKEDIN_ACCOUNTS_PATH);
		expect(request.query).toEqual({ status: 'CONNECTED' });
		expect(request.headers['x-company-id']).toBe('123');
		expect(request.status).toBe(200);
	});
});

describe('sandbox LinkedIn account create', () => {
	let sandbox: Sandbox;

	beforeEach(async () => {
		sandbox = await startSandbox();
	});

	afterEach(async () => {
		await sandbox.close();
	});

	test('create returns 201', async () => {
		const response = await createAccount(sandbox, 123, WARSAW_BODY);

		expect(response.status).toBe(201);
		expect(response.contentType).toBe('application/json');
		expect(Object.keys(response.body).sort()).toEqual(['account_id', 'connect_account_link']);
		expect(response.body.account_id).toBe(FIRST_NEW_ACCOUNT_ID);
		expect(response.body.connect_account_link).toMatch(CONNECT_LINK);
	});

	test('created account is listed', async () => {
		const created = await createAccount(sandbox, 123, WARSAW_BODY);
		const newAccount = {
			id: created.body.account_id,
			username: null,
			session_status: 'WAITING_FOR_CONNECTION',
			full_name: null,
			linkedin_url: null,
			level: null,
		};

		const all = await listAccounts(sandbox, '123');
		const waiting = await listAccounts(sandbox, '123', '?status=WAITING_FOR_CONNECTION');
		const otherCompany = await listAccounts(sandbox, '124');

		expect(all.body).toEqual({ linkedin_accounts: [...NORTHWIND_ACCOUNTS, newAccount] });
		expect(waiting.body).toEqual({ linkedin_accounts: [NORTHWIND_ACCOUNTS[2], newAccount] });
		expect(otherCompany.body.linkedin_accounts.map((account: { id: number }) => account.id)).toEqual([460]);
	});

	test('created account gets connect links', async () => {
		const created = await createAccount(sandbox, 123, WARSAW_BODY);

		const link = await call(sandbox, 'POST', connectLinkPath(123, created.body.account_id));
		const elsewhere = await call(sandbox, 'POST', connectLinkPath(124, created.body.account_id));

		expectConnectLink(link, FIRST_NEW_ACCOUNT_ID);
		expect(link.body.connect_account_link).not.toBe(created.body.connect_account_link);
		expectInvalidAccount(elsewhere);
	});

	test('new ids exceed every id', async () => {
		const seed = {
			apiKeys: ['k'],
			companies: [
				{ ...NORTHWIND, id: 1, linkedin_slots: 3, linkedin_accounts: [{ id: 5 }, { id: 90 }] },
				{ ...FABRIKAM, id: 2, linkedin_slots: 3, linkedin_accounts: [{ id: 30 }] },
				{ ...FABRIKAM, id: 3, linkedin_slots: 1, linkedin_accounts: [] },
			],
		};
		await sandbox.close();
		sandbox = await startSandbox({ seed });

		const ids = [
			(await createAccount(sandbox, 2, WARSAW_BODY, 'k')).body.account_id,
			(await createAccount(sandbox, 1, WARSAW_BODY, 'k')).body.account_id,
			(await createAccount(sandbox, 3, WARSAW_BODY, 'k')).body.account_id,
		];

		expect(ids).toEqual([91, 92, 93]);
	});

	test('create takes the last slot', async () => {
		const first = await createAccount(sandbox, 123, WARSAW_BODY);
		const second = await createAccount(sandbox, 123, WARSAW_BODY);

		expect(first.status).toBe(201);
		expectValidationError(second, 'No free LinkedIn account slots.');
		const listed = await listAccounts(sandbox, '123');
		expect(listed.body.linkedin_accounts).toHaveLength(5);
	});

	test('create 400 without free slot', async () => {
		expectValidationError(await createAccount(sandbox, 124, WARSAW_BODY), 'No free LinkedIn account slots.');

		const listed = await listAccounts(sandbox, '124');
		expect(listed.body.linkedin_accounts).toHaveLength(1);
	});

	test.each([
		['missing timezone', '{}'],
		['null timezone', '{"timezone":null}'],
		['numeric timezone', '{"timezone":60}'],
		['array timezone', '{"timezone":["Europe/Warsaw"]}'],
		['empty timezone', '{"timezone":""}'],
		['unknown zone', '{"timezone":"Mars/Olympus_Mons"}'],
		['lowercase zone', '{"timezone":"europe/warsaw"}'],
		['padded zone', '{"timezone":" Europe/Warsaw"}'],
		['offset', '{"timezone":"+01:00"}'],
		['JSON string body', '"Europe/Warsaw"'],
		['JSON array body', '[{"timezone":"Europe/Warsaw"}]'],
		['JSON null body', 'null'],
	])('create 400 for %s', async (_case, body) => {
		expectValidationError(await createAccount(sandbox, 123, body), 'Invalid timezone.');
		await expectNorthwindUnchanged(sandbox);
	});

	test.each([
		['empty body', ''],
		['form body', 'timezone=Europe/Warsaw'],
		['truncated JSON', '{"timezone":'],
	])('create 400 for %s', async (_case, body) => {
		expectValidationError(await createAccount(sandbox, 123, body), 'Invalid request body.');
		await expectNorthwindUnchanged(sandbox);
	});

	test('slot check follows body check', async () => {
		expectValidationError(await createAccount(sandbox, 124, '{}'), 'Invalid timezone.');
		expectValidationError(await createAccount(sandbox, 124, '{'), 'Invalid request body.');
	});

	test.each([
		['inactive company', 125, WARSAW_BODY],
		['unknown company', 999, WARSAW_BODY],
		['huge company id', '99999999999999999999', WARSAW_BODY],
		['inactive company, bad body', 125, '{'],
	])('create 404 for %s', async (_case, companyId, body) => {
		expectNotFound(await createAccount(sandbox, companyId, body), 'No active company found');
	});

	test.each([
		['non-numeric company', 'POST', createAccountPath('abc'), API_KEY],
		['zero company', 'POST', createAccountPath(0), API_KEY],
		['leading-zero company', 'POST', createAccountPath('0123'), API_KEY],
		['trailing slash', 'POST', `${createAccountPath(123)}/`, API_KEY],
		['wrong method', 'GET', createAccountPath(123), API_KEY],
		['bad company with wrong key', 'POST', createAccountPath('abc'), 'wrong-key'],
	])('create 404 route for %s', async (_case, method, path, apiKey) => {
		expectNotFound(await call(sandbox, method, path, apiKey, method === 'POST' ? WARSAW_BODY : undefined), 'Requested resource does not exist');
	});

	test.each([
		['missing key', null, 123, WARSAW_BODY],
		['wrong key', 'wrong-key', 123, WARSAW_BODY],
		['wrong key, inactive company', 'wrong-key', 125, WARSAW_BODY],
		['wrong key, bad body', 'wrong-key', 123, '{'],
	])('create 401 for %s', async (_case, apiKey, companyId, body) => {
		expectUnauthorized(await createAccount(sandbox, companyId, body, apiKey));
		await expectNorthwindUnchanged(sandbox);
	});

	test('records create request body', async () => {
		const body = '{"timezone":"Europe/Warsaw","note":"ünïcode"}';
		await createAccount(sandbox, 123, body);

		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe(createAccountPath(123));
		expect(request.body).toBe(body);
		expect(request.status).toBe(201);
	});
});

describe('sandbox LinkedIn account routes', () => {
	let sandbox: Sandbox | undefined;

	afterEach(async () => {
		await sandbox?.close();
		sandbox = undefined;
	});

	test('faults apply to account routes', async () => {
		sandbox = await startSandbox();
		sandbox.injectFaults(['503', '500', 'no-link-201']);

		const listed = await listAccounts(sandbox, '123');
		const created = await createAccount(sandbox, 123, WARSAW_BODY);
		const createdWithoutLink = await createAccount(sandbox, 123, WARSAW_BODY);

		expectProxyPage(listed, 503, 'Service Unavailable');
		expect(created.status).toBe(500);
		expect(created.body).toEqual(INTERNAL_ERROR_BODY);
		expect(createdWithoutLink.status).toBe(201);
		expect(createdWithoutLink.body).toEqual({ account_id: null });
		// A fault replaces the handler, so neither faulted create added an account.
		await expectNorthwindUnchanged(sandbox);
		expect(sandbox.requests.map((request) => request.fault)).toEqual(['503', '500', 'no-link-201', null]);
		expect(sandbox.stats).toEqual({
			received: 4,
			answered: { 200: 1, 201: 1, 500: 1, 503: 1 },
			rejectedByConcurrency: 0,
			faults: { 500: 1, 503: 1, 'no-link-201': 1 },
			maxInProgress: 1,
			maxQueued: 0,
			maxOpen: 1,
		});
	});

	test('concurrency applies to account routes', async () => {
		sandbox = await startSandbox({ concurrency: { enabled: true, maxQueued: 1 } });
		const current = sandbox;
		// The create request stays in progress long enough for the list request to queue behind it.
		current.injectFaults([{ fault: 'slow', delayMs: 1000 }]);

		const created = createAccount(current, 123, WARSAW_BODY);
		await waitFor(() => current.stats.maxInProgress === 1, 'the create request to be in progress');
		const listed = listAccounts(current, '123');
		await waitFor(() => current.stats.maxQueued === 1, 'the list request to be queued');
		const rejectedList = await listAccounts(current, '124');
		const rejectedCreate = await createAccount(current, 123, WARSAW_BODY);

		expectTooManyRequests(rejectedList);
		expectTooManyRequests(rejectedCreate);
		const createdResponse = await created;
		expect(createdResponse.status).toBe(201);
		// The queued list request ran after the create request had added its account.
		const listedResponse = await listed;
		expect(listedResponse.status).toBe(200);
		expect(listedResponse.body.linkedin_accounts.map((account: { id: number }) => account.id)).toEqual([456, 457, 458, 459, FIRST_NEW_ACCOUNT_ID]);
		expect(current.stats).toEqual({
			received: 4,
			answered: { 200: 1, 201: 1, 429: 2 },
			rejectedByConcurrency: 2,
			faults: { slow: 1 },
			maxInProgress: 1,
			maxQueued: 1,
			maxOpen: 3,
		});
	});
});

const CONNECTED_EVENT = 'linkedin_automation_account_connected';
const DISCONNECTED_EVENT = 'linkedin_automation_account_disconnected';
const SUBSCRIBE_PATH = '/rest/v1/webhooks/subscribe';
const UNSUBSCRIBE_PATH = '/rest/v1/webhooks/unsubscribe';
const WEBHOOKS_PATH = '/rest/v2/webhooks';
const DELIVER_PATH = '/__sandbox/webhooks/deliver';
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DETAIL_INVALID_BODY = 'Request body must be a JSON object with target_url and event.';
const DETAIL_INVALID_URL = 'target_url must be an absolute http or https URL.';
const DETAIL_UNKNOWN_EVENT = `event must be one of ${CONNECTED_EVENT}, ${DISCONNECTED_EVENT}.`;
const DETAIL_LIMIT = 'Subscription limit reached: an event may have at most 3 subscriptions, each with a different target_url.';
const DETAIL_DUPLICATE = 'This target_url is already subscribed to this event.';
const NOT_LOCAL = 'not delivered: the sandbox delivers only to 127.0.0.1';
/** Account 456 of company 123 as webhook payloads carry it, before its session status is set. */
const ADA = {
	id: 456,
	full_name: 'Ada Lovelace',
	linkedin_url: 'https://www.linkedin.com/in/ada-lovelace-example',
};
/** Account 457 of company 123, likewise. */
const GRACE = {
	id: 457,
	full_name: 'Grace Hopper',
	linkedin_url: 'https://www.linkedin.com/in/grace-hopper-example',
};

/** Sends a webhook request with the x-company-id header, none when companyId is null. */
function callWebhooks(
	sandbox: Sandbox,
	method: string,
	path: string,
	body: string | undefined,
	companyId: string | null = null,
	apiKey: string | null = API_KEY,
): Promise<ApiResponse> {
	const headers: Record<string, string> = companyId === null ? {} : { 'x-company-id': companyId };
	return call(sandbox, method, path, apiKey, body, headers);
}

function subscribe(sandbox: Sandbox, targetUrl: string, event: string, companyId: string | null = null, apiKey: string | null = API_KEY) {
	return callWebhooks(sandbox, 'POST', SUBSCRIBE_PATH, JSON.stringify({ target_url: targetUrl, event }), companyId, apiKey);
}

function unsubscribe(sandbox: Sandbox, targetUrl: string, event: string, companyId: string | null = null, apiKey: string | null = API_KEY) {
	return callWebhooks(sandbox, 'POST', UNSUBSCRIBE_PATH, JSON.stringify({ target_url: targetUrl, event }), companyId, apiKey);
}

function listWebhooks(sandbox: Sandbox, companyId: string | null = null, apiKey: string | null = API_KEY) {
	return callWebhooks(sandbox, 'GET', WEBHOOKS_PATH, undefined, companyId, apiKey);
}

/** Expects the `{title, status, detail, timestamp}` error shape with exactly these values. */
function expectProblem(response: ApiResponse, status: number, title: string, detail: string): void {
	expect(response.status).toBe(status);
	expect(response.contentType).toBe('application/json');
	expect(Object.keys(response.body).sort()).toEqual(['detail', 'status', 'timestamp', 'title']);
	expect(response.body).toMatchObject({ title, status, detail });
	expectRecentUtcTimestamp(response.body.timestamp);
}

function expectSubscribed(response: ApiResponse, targetUrl: string, event: string): void {
	expect(response.status).toBe(200);
	expect(response.contentType).toBe('application/json');
	expect(response.body).toEqual({ target_url: targetUrl, event, message: 'Subscribed.' });
}

function expectUnsubscribed(response: ApiResponse): void {
	expect(response.status).toBe(200);
	expect(response.contentType).toBeNull();
	expect(response.headers.get('content-length')).toBe('0');
	expect(response.text).toBe('');
}

async function expectListed(sandbox: Sandbox, companyId: string | null, webhooks: Array<{ target_url: string, event: string }>) {
	const response = await listWebhooks(sandbox, companyId);
	expect(response.status).toBe(200);
	expect(response.contentType).toBe('application/json');
	expect(response.body).toEqual({ webhooks });
}

interface ReceivedRequest {
	method: string | undefined;
	url: string | undefined;
	headers: IncomingHttpHeaders;
	body: string;
}

interface Receiver {
	url: string;
	port: number;
	requests: ReceivedRequest[];
	server: Server;
}

/**
 * Starts an HTTP server on 127.0.0.1 that records each request and responds with `status` and
 * an empty body, or never responds when `status` is null.
 */
async function startReceiver(status: number | null = 200): Promise<Receiver> {
	const requests: ReceivedRequest[] = [];
	const server = createServer((req, res) => {
		let body = '';
		req.setEncoding('utf8').on('data', (chunk: string) => {
			body += chunk;
		});
		req.on('end', () => {
			requests.push({ method: req.method, url: req.url, headers: req.headers, body });
			if (status !== null) {
				res.writeHead(status).end();
			}
		});
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as AddressInfo;
	return { url: `http://127.0.0.1:${port}`, port, requests, server };
}

async function stopReceiver(receiver: Receiver): Promise<void> {
	receiver.server.closeAllConnections();
	await new Promise((resolve) => receiver.server.close(resolve));
}

/** Expects a webhook payload with one event, whose timestamp is an ISO 8601 time within a minute of now. */
function expectPayload(body: string, event: string, account: object, firmId: number): void {
	const payload = JSON.parse(body);
	expect(payload).toEqual([{ method: event, linkedin_account: account, timestamp: expect.stringMatching(ISO_TIMESTAMP), firm_id: firmId }]);
	expect(Object.keys(payload[0])).toEqual(['method', 'linkedin_account', 'timestamp', 'firm_id']);
	expect(Object.keys(payload[0].linkedin_account)).toEqual(['id', 'session_status', 'full_name', 'linkedin_url', 'level']);
	const { timestamp } = payload[0];
	expect(new Date(timestamp).toISOString()).toBe(timestamp);
	expect(Math.abs(Date.now() - Date.parse(timestamp))).toBeLessThan(60_000);
}

function expectPost(request: ReceivedRequest, url: string, host: string): void {
	expect(request.method).toBe('POST');
	expect(request.url).toBe(url);
	expect(request.headers['content-type']).toBe('application/json');
	expect(request.headers['content-length']).toBe(String(Buffer.byteLength(request.body)));
	expect(request.headers.host).toBe(host);
	expect(request.headers['x-api-key']).toBeUndefined();
}

describe('sandbox webhook subscriptions', () => {
	let sandbox: Sandbox;

	beforeEach(async () => {
		sandbox = await startSandbox();
	});

	afterEach(async () => {
		await sandbox.close();
	});

	test('subscribe, list and unsubscribe', async () => {
		const first = 'https://hooks.example/woodpecker/connected';
		const second = 'http://127.0.0.1:8080/disconnected?source=woodpecker';

		expectSubscribed(await subscribe(sandbox, first, CONNECTED_EVENT), first, CONNECTED_EVENT);
		expectSubscribed(await subscribe(sandbox, second, DISCONNECTED_EVENT), second, DISCONNECTED_EVENT);
		await expectListed(sandbox, null, [
			{ target_url: first, event: CONNECTED_EVENT },
			{ target_url: second, event: DISCONNECTED_EVENT },
		]);

		expectUnsubscribed(await unsubscribe(sandbox, first, CONNECTED_EVENT));
		await expectListed(sandbox, null, [{ target_url: second, event: DISCONNECTED_EVENT }]);

		expectUnsubscribed(await unsubscribe(sandbox, second, DISCONNECTED_EVENT));
		await expectListed(sandbox, null, []);
	});

	test('list is empty at first', async () => {
		await expectListed(sandbox, null, []);
		await expectListed(sandbox, '123', []);
	});

	test('same URL for both events', async () => {
		const url = 'https://hooks.example/woodpecker';

		expectSubscribed(await subscribe(sandbox, url, CONNECTED_EVENT), url, CONNECTED_EVENT);
		expectSubscribed(await subscribe(sandbox, url, DISCONNECTED_EVENT), url, DISCONNECTED_EVENT);
		expectUnsubscribed(await unsubscribe(sandbox, url, DISCONNECTED_EVENT));

		await expectListed(sandbox, null, [{ target_url: url, event: CONNECTED_EVENT }]);
	});

	test('company header scopes subscriptions', async () => {
		const url = 'https://hooks.example/northwind';

		expectSubscribed(await subscribe(sandbox, url, CONNECTED_EVENT, '123'), url, CONNECTED_EVENT);

		await expectListed(sandbox, '123', [{ target_url: url, event: CONNECTED_EVENT }]);
		await expectListed(sandbox, '124', []);
		await expectListed(sandbox, null, []);
		expectProblem(await unsubscribe(sandbox, url, CONNECTED_EVENT), 404, 'Not Found', 'Subscription not found.');
		expectProblem(await unsubscribe(sandbox, url, CONNECTED_EVENT, '124'), 404, 'Not Found', 'Subscription not found.');
		await expectListed(sandbox, '123', [{ target_url: url, event: CONNECTED_EVENT }]);
	});

	test('same pair in two scopes', async () => {
		const url = 'https://hooks.example/shared';

		expectSubscribed(await subscribe(sandbox, url, CONNECTED_EVENT, '123'), url, CONNECTED_EVENT);
		expectSubscribed(await subscribe(sandbox, url, CONNECTED_EVENT, '124'), url, CONNECTED_EVENT);
		expectSubscribed(await subscribe(sandbox, url, CONNECTED_EVENT), url, CONNECTED_EVENT);
		expectUnsubscribed(await unsubscribe(sandbox, url, CONNECTED_EVENT, '124'));

		await expectListed(sandbox, '123', [{ target_url: url, event: CONNECTED_EVENT }]);
		await expectListed(sandbox, '124', []);
		await expectListed(sandbox, null, [{ target_url: url, event: CONNECTED_EVENT }]);
	});

	test('API keys have separate scopes', async () => {
		await sandbox.close();
		sandbox = await startSandbox({ seed: twoKeySeed() });
		const url = 'https://hooks.example/first-key';

		expectSubscribed(await subscribe(sandbox, url, CONNECTED_EVENT), url, CONNECTED_EVENT);
		const listedBySecondKey = await listWebhooks(sandbox, null, SECOND_KEY);
		const removedBySecondKey = await unsubscribe(sandbox, url, CONNECTED_EVENT, null, SECOND_KEY);

		expect(listedBySecondKey.status).toBe(200);
		expect(listedBySecondKey.body).toEqual({ webhooks: [] });
		expectProblem(removedBySecondKey, 404, 'Not Found', 'Subscription not found.');
		await expectListed(sandbox, null, [{ target_url: url, event: CONNECTED_EVENT }]);
	});

	test('limit of 3 per event', async () => {
		const urls = [1, 2, 3, 4].map((index) => `https://hooks.example/connected/${index}`);
		for (const url of urls.slice(0, 3)) {
			expectSubscribed(await subscribe(sandbox, url, CONNECTED_EVENT), url, CONNECTED_EVENT);
		}

		expectProblem(await subscribe(sandbox, urls[3], CONNECTED_EVENT), 409, 'Conflict', DETAIL_LIMIT);
		expectSubscribed(await subscribe(sandbox, urls[3], DISCONNECTED_EVENT), urls[3], DISCONNECTED_EVENT);
		// The limit counts per scope, so company 123 still has room.
		expectSubscribed(await subscribe(sandbox, urls[3], CONNECTED_EVENT, '123'), urls[3], CONNECTED_EVENT);
		await expectListed(sandbox, null, [
			{ target_url: urls[0], event: CONNECTED_EVENT },
			{ target_url: urls[1], event: CONNECTED_EVENT },
			{ target_url: urls[2], event: CONNECTED_EVENT },
			{ target_url: urls[3], event: DISCONNECTED_EVENT },
		]);
	});

	test('unsubscribe frees a slot', async () => {
		const urls = [1, 2, 3, 4].map((index) => `https://hooks.example/connected/${index}`);
		for (const url of urls.slice(0, 3)) {
			await subscribe(sandbox, url, CONNECTED_EVENT);
		}

		expectUnsubscribed(await unsubscribe(sandbox, urls[1], CONNECTED_EVENT));
		expectSubscribed(await subscribe(sandbox, urls[3], CONNECTED_EVENT), urls[3], CONNECTED_EVENT);

		await expectListed(sandbox, null, [
			{ target_url: urls[0], event: CONNECTED_EVENT },
			{ target_url: urls[2], event: CONNECTED_EVENT },
			{ target_url: urls[3], event: CONNECTED_EVENT },
		]);
	});

	test('duplicate returns 409', async () => {
		const url = 'https://hooks.example/woodpecker';
		await subscribe(sandbox, url, CONNECTED_EVENT, '123');

		expectProblem(await subscribe(sandbox, url, CONNECTED_EVENT, '123'), 409, 'Conflict', DETAIL_DUPLICATE);
		await expectListed(sandbox, '123', [{ target_url: url, event: CONNECTED_EVENT }]);
	});

	test('duplicate check comes before limit', async () => {
		const urls = [1, 2, 3].map((index) => `https://hooks.example/connected/${index}`);
		for (const url of urls) {
			await subscribe(sandbox, url, CONNECTED_EVENT);
		}

		expectProblem(await subscribe(sandbox, urls[0], CONNECTED_EVENT), 409, 'Conflict', DETAIL_DUPLICATE);
	});

	test('URLs are compared as exact strings', async () => {
		const url = 'https://hooks.example/woodpecker';
		await subscribe(sandbox, url, CONNECTED_EVENT);

		expectSubscribed(await subscribe(sandbox, `${url}/`, CONNECTED_EVENT), `${url}/`, CONNECTED_EVENT);
		expectProblem(await unsubscribe(sandbox, 'HTTPS://hooks.example/woodpecker', CONNECTED_EVENT), 404, 'Not Found', 'Subscription not found.');
	});

	const invalidBodies: Array<[string, string, string]> = [
		['non-JSON body', 'target_url=https://hooks.example/a', DETAIL_INVALID_BODY],
		['empty body', '', DETAIL_INVALID_BODY],
		['array body', JSON.stringify([{ target_url: 'https://hooks.example/a', event: CONNECTED_EVENT }]), DETAIL_INVALID_BODY],
		['null body', 'null', DETAIL_INVALID_BODY],
		['empty object', '{}', 'target_url is required.'],
		['missing target_url', JSON.stringify({ event: CONNECTED_EVENT }), 'target_url is required.'],
		['null target_url', JSON.stringify({ target_url: null, event: CONNECTED_EVENT }), 'target_url is required.'],
		['missing event', JSON.stringify({ target_url: 'https://hooks.example/a' }), 'event is required.'],
		['non-URL target_url', JSON.stringify({ target_url: 'not a url', event: CONNECTED_EVENT }), DETAIL_INVALID_URL],
		['relative target_url', JSON.stringify({ target_url: '/hooks/a', event: CONNECTED_EVENT }), DETAIL_INVALID_URL],
		['ftp target_url', JSON.stringify({ target_url: 'ftp://127.0.0.1/hooks', event: CONNECTED_EVENT }), DETAIL_INVALID_URL],
		['target_url without slashes', JSON.stringify({ target_url: 'http:127.0.0.1/hooks', event: CONNECTED_EVENT }), DETAIL_INVALID_URL],
		['target_url with a space', JSON.stringify({ target_url: 'https://hooks.example/a b', event: CONNECTED_EVENT }), DETAIL_INVALID_URL],
		['empty target_url', JSON.stringify({ target_url: '', event: CONNECTED_EVENT }), DETAIL_INVALID_URL],
		['numeric target_url', JSON.stringify({ target_url: 80, event: CONNECTED_EVENT }), DETAIL_INVALID_URL],
		['unknown event', JSON.stringify({ target_url: 'https://hooks.example/a', event: 'linkedin_account_connected' }), DETAIL_UNKNOWN_EVENT],
		['uppercase event', JSON.stringify({ target_url: 'https://hooks.example/a', event: CONNECTED_EVENT.toUpperCase() }), DETAIL_UNKNOWN_EVENT],
		['numeric event', JSON.stringify({ target_url: 'https://hooks.example/a', event: 1 }), DETAIL_UNKNOWN_EVENT],
	];

	test.each(invalidBodies.flatMap(([name, body, detail]) => [
		[SUBSCRIBE_PATH, name, body, detail],
		[UNSUBSCRIBE_PATH, name, body, detail],
	]))('%s 400 for %s', async (path, _case, body, detail) => {
		expectProblem(await callWebhooks(sandbox, 'POST', path, body), 400, 'Bad Request', detail);
		await expectListed(sandbox, null, []);
	});

	test('unsubscribe of unknown returns 404', async () => {
		const url = 'https://hooks.example/woodpecker';
		await subscribe(sandbox, url, CONNECTED_EVENT);

		expectProblem(await unsubscribe(sandbox, 'https://hooks.example/other', CONNECTED_EVENT), 404, 'Not Found', 'Subscription not found.');
		expectProblem(await unsubscribe(sandbox, url, DISCONNECTED_EVENT), 404, 'Not Found', 'Subscription not found.');
		await expectListed(sandbox, null, [{ target_url: url, event: CONNECTED_EVENT }]);
	});

	const validBody = JSON.stringify({ target_url: 'https://hooks.example/a', event: CONNECTED_EVENT });
	const webhookRoutes: Array<[string, string, string | undefined]> = [
		['POST', SUBSCRIBE_PATH, validBody],
		['POST', UNSUBSCRIBE_PATH, validBody],
		['GET', WEBHOOKS_PATH, undefined],
	];

	test.each(webhookRoutes)('%s %s 401 for wrong key', async (method, path, body) => {
		expectUnauthorized(await callWebhooks(sandbox, method, path, body, null, 'wrong-key'));
		expectUnauthorized(await callWebhooks(sandbox, method, path, body, null, null));
		// The key is checked before the company header and the body.
		expectUnauthorized(await callWebhooks(sandbox, method, path, 'not JSON', '999', 'wrong-key'));
		await expectListed(sandbox, null, []);
	});

	test.each(webhookRoutes.flatMap(([method, path, body]) => ['125', '999', 'abc', '123, 124'].map(
		(companyId) => [method, path, companyId, body] as const,
	)))('%s %s 404 for company %s', async (method, path, companyId, body) => {
		expectNotFound(await callWebhooks(sandbox, method, path, body, companyId), 'No active company found');
	});

	test('company is checked before body', async () => {
		expectNotFound(await callWebhooks(sandbox, 'POST', SUBSCRIBE_PATH, 'not JSON', '999'), 'No active company found');
	});

	test.each([
		['GET', '/rest/v1/webhooks'],
		['POST', '/rest/v2/webhooks/subscribe'],
		['GET', SUBSCRIBE_PATH],
		['POST', WEBHOOKS_PATH],
		['DELETE', WEBHOOKS_PATH],
	])('%s %s returns 404', async (method, path) => {
		expectNotFound(await call(sandbox, method, path), 'Requested resource does not exist');
	});

	test('webhook requests are recorded', async () => {
		const body = JSON.stringify({ target_url: 'https://hooks.example/a', event: CONNECTED_EVENT });
		await callWebhooks(sandbox, 'POST', SUBSCRIBE_PATH, body, '123');
		await listWebhooks(sandbox, '123');

		expect(sandbox.requests).toHaveLength(2);
		const [subscribed, listed] = sandbox.requests;
		expect(subscribed.method).toBe('POST');
		expect(subscribed.path).toBe(SUBSCRIBE_PATH);
		expect(subscribed.body).toBe(body);
		expect(subscribed.headers['x-company-id']).toBe('123');
		expect(subscribed.status).toBe(200);
		expect(listed.method).toBe('GET');
		expect(listed.path).toBe(WEBHOOKS_PATH);
		expect(listed.status).toBe(200);
	});

	test('faults apply to webhook routes', async () => {
		sandbox.injectFaults(['503', '500']);
		const url = 'https://hooks.example/a';

		const subscribed = await subscribe(sandbox, url, CONNECTED_EVENT);
		const listed = await listWebhooks(sandbox);

		expectProxyPage(subscribed, 503, 'Service Unavailable');
		expect(listed.status).toBe(500);
		expect(listed.body).toEqual(INTERNAL_ERROR_BODY);
		// A fault replaces the handler, so the subscription was not stored.
		await expectListed(sandbox, null, []);
		expect(sandbox.requests.map((request) => request.fault)).toEqual(['503', '500', null]);
		expect(sandbox.requests.map((request) => request.status)).toEqual([503, 500, 200]);
	});

	test('concurrency applies to webhook routes', async () => {
		await sandbox.close();
		sandbox = await startSandbox({ concurrency: { enabled: true, maxQueued: 0 } });
		const current = sandbox;
		// The subscribe request stays in progress long enough for the list request to arrive.
		current.injectFaults([{ fault: 'slow', delayMs: 1000 }]);
		const url = 'https://hooks.example/a';

		const subscribed = subscribe(current, url, CONNECTED_EVENT);
		await waitFor(() => current.stats.maxInProgress === 1, 'the subscribe request to be in progress');
		const rejected = await listWebhooks(current);

		expectTooManyRequests(rejected);
		expectSubscribed(await subscribed, url, CONNECTED_EVENT);
		expect(current.stats.rejectedByConcurrency).toBe(1);
	});

	test('network delay applies to webhook routes', async () => {
		await sandbox.close();
		sandbox = await startSandbox({ networkDelayMs: 300 });

		const started = performance.now();
		const response = await listWebhooks(sandbox);
		const elapsedMs = performance.now() - started;

		expect(response.status).toBe(200);
		expect(elapsedMs).toBeGreaterThanOrEqual(290);
	});
});

describe('sandbox webhook delivery', () => {
	let sandbox: Sandbox;
	let receivers: Receiver[];

	beforeEach(async () => {
		sandbox = await startSandbox();
		receivers = [];
	});

	afterEach(async () => {
		await sandbox.close();
		await Promise.all(receivers.map(stopReceiver));
	});

	async function receiver(status: number | null = 200): Promise<Receiver> {
		const started = await startReceiver(status);
		receivers.push(started);
		return started;
	}

	test('delivers connected event payload', async () => {
		const target = await receiver();
		const url = `${target.url}/hooks/woodpecker?source=sandbox`;
		await subscribe(sandbox, url, CONNECTED_EVENT, '123');

		const results = await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 456 });

		expect(results).toEqual([{ target_url: url, status: 200 }]);
		expect(target.requests).toHaveLength(1);
		const [request] = target.requests;
		expectPost(request, '/hooks/woodpecker?source=sandbox', `127.0.0.1:${target.port}`);
		expectPayload(request.body, CONNECTED_EVENT, { ...ADA, session_status: 'CONNECTED', level: 'PREMIUM' }, 123);
	});

	test('disconnected event has null level', async () => {
		const target = await receiver();
		const url = `${target.url}/disconnected`;
		await subscribe(sandbox, url, DISCONNECTED_EVENT, '123');

		const results = await sandbox.deliverEvent({ event: DISCONNECTED_EVENT, accountId: 457 });

		expect(results).toEqual([{ target_url: url, status: 200 }]);
		expect(target.requests).toHaveLength(1);
		expectPost(target.requests[0], '/disconnected', `127.0.0.1:${target.port}`);
		expectPayload(target.requests[0].body, DISCONNECTED_EVENT, { ...GRACE, session_status: 'DISCONNECTED', level: null }, 123);
	});

	test('delivery sets session status', async () => {
		await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 456 });
		await sandbox.deliverEvent({ event: DISCONNECTED_EVENT, accountId: 457 });

		const listed = await listAccounts(sandbox, '123');

		expect(listed.status).toBe(200);
		expect(listed.body).toEqual({
			linkedin_accounts: [
				{ ...NORTHWIND_ACCOUNTS[0], session_status: 'CONNECTED' },
				{ ...NORTHWIND_ACCOUNTS[1], session_status: 'DISCONNECTED' },
				NORTHWIND_ACCOUNTS[2],
				NORTHWIND_ACCOUNTS[3],
			],
		});
	});

	test('no subscribers delivers nothing', async () => {
		const results = await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 460 });

		expect(results).toEqual([]);
		expect(sandbox.deliveries).toEqual([]);
		const listed = await listAccounts(sandbox, '124');
		expect(listed.body.linkedin_accounts[0].session_status).toBe('CONNECTED');
	});

	test('delivers to company and agency targets', async () => {
		const company = await receiver();
		const agency = await receiver();
		const otherCompany = await receiver();
		const companyUrl = `${company.url}/northwind`;
		const agencyUrl = `${agency.url}/agency`;
		// Subscribed first, the agency target still comes after the company's in the results.
		await subscribe(sandbox, agencyUrl, CONNECTED_EVENT);
		await subscribe(sandbox, companyUrl, CONNECTED_EVENT, '123');
		await subscribe(sandbox, `${otherCompany.url}/fabrikam`, CONNECTED_EVENT, '124');
		await subscribe(sandbox, `${company.url}/other-event`, DISCONNECTED_EVENT, '123');
		await subscribe(sandbox, `${agency.url}/other-event`, DISCONNECTED_EVENT);

		const results = await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 456 });

		expect(results).toEqual([{ target_url: companyUrl, status: 200 }, { target_url: agencyUrl, status: 200 }]);
		expect(company.requests).toHaveLength(1);
		expect(agency.requests).toHaveLength(1);
		expect(otherCompany.requests).toHaveLength(0);
		expectPost(company.requests[0], '/northwind', `127.0.0.1:${company.port}`);
		expectPost(agency.requests[0], '/agency', `127.0.0.1:${agency.port}`);
		const account = { ...ADA, session_status: 'CONNECTED', level: 'PREMIUM' };
		expectPayload(company.requests[0].body, CONNECTED_EVENT, account, 123);
		expectPayload(agency.requests[0].body, CONNECTED_EVENT, account, 123);
		// Both targets get the same payload, timestamp included.
		expect(agency.requests[0].body).toBe(company.requests[0].body);
	});

	test('URL in two scopes gets two posts', async () => {
		const target = await receiver();
		const url = `${target.url}/both`;
		await subscribe(sandbox, url, CONNECTED_EVENT, '124');
		await subscribe(sandbox, url, CONNECTED_EVENT);

		const results = await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 460 });

		expect(results).toEqual([{ target_url: url, status: 200 }, { target_url: url, status: 200 }]);
		expect(target.requests).toHaveLength(2);
	});

	test('localhost target is reached at 127.0.0.1', async () => {
		const target = await receiver();
		const url = `http://localhost:${target.port}/local`;
		await subscribe(sandbox, url, CONNECTED_EVENT);

		const results = await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 456 });

		expect(results).toEqual([{ target_url: url, status: 200 }]);
		expect(target.requests).toHaveLength(1);
		expectPost(target.requests[0], '/local', `localhost:${target.port}`);
	});

	test('non-local targets are not contacted', async () => {
		const target = await receiver();
		// Each URL carries the receiver's port, so a delivery to any of them would reach the
		// receiver, because the sandbox connects only to 127.0.0.1.
		const nonLocal = [
			`http://hooks.example.invalid:${target.port}/a`,
			`https://hooks.example.invalid:${target.port}/b`,
			`http://127.0.0.2:${target.port}/c`,
			`http://[::1]:${target.port}/d`,
			`http://localhost.example.invalid:${target.port}/e`,
		];
		for (const url of nonLocal.slice(0, 3)) {
			await subscribe(sandbox, url, CONNECTED_EVENT, '123');
		}
		for (const url of nonLocal.slice(3)) {
			await subscribe(sandbox, url, CONNECTED_EVENT);
		}
		const localUrl = `${target.url}/local`;
		await subscribe(sandbox, localUrl, CONNECTED_EVENT);

		const results = await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 456 });

		expect(results).toEqual([
			...nonLocal.map((url) => ({ target_url: url, error: NOT_LOCAL })),
			{ target_url: localUrl, status: 200 },
		]);
		expect(target.requests.map((request) => request.url)).toEqual(['/local']);
	});

	test('delivery reports target status', async () => {
		const failing = await receiver(500);
		const url = `${failing.url}/hook`;
		await subscribe(sandbox, url, CONNECTED_EVENT);

		const results = await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 456 });

		expect(results).toEqual([{ target_url: url, status: 500 }]);
		expect(failing.requests).toHaveLength(1);
	});

	test('delivery reports refused connection', async () => {
		const closed = await startReceiver();
		await stopReceiver(closed);
		const url = `${closed.url}/hook`;
		await subscribe(sandbox, url, CONNECTED_EVENT);

		const results = await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 456 });

		expect(results).toEqual([{ target_url: url, error: `connect ECONNREFUSED 127.0.0.1:${closed.port}` }]);
	});

	test('delivery times out', async () => {
		const silent = await receiver(null);
		const answering = await receiver();
		const silentUrl = `${silent.url}/hook`;
		const answeringUrl = `${answering.url}/hook`;
		await subscribe(sandbox, silentUrl, CONNECTED_EVENT);
		await subscribe(sandbox, answeringUrl, CONNECTED_EVENT);

		const started = performance.now();
		const results = await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 456, timeoutMs: 300 });
		const elapsedMs = performance.now() - started;

		expect(results).toEqual([
			{ target_url: silentUrl, error: 'timed out after 300 ms' },
			{ target_url: answeringUrl, status: 200 },
		]);
		expect(silent.requests).toHaveLength(1);
		expect(elapsedMs).toBeGreaterThanOrEqual(290);
		expect(elapsedMs).toBeLessThan(5000);
	});

	test('close ends pending deliveries', async () => {
		const silent = await receiver(null);
		const url = `${silent.url}/hook`;
		await subscribe(sandbox, url, CONNECTED_EVENT);

		const delivered = sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: 456 });
		await waitFor(() => silent.requests.length === 1, 'the target to receive the event');
		await sandbox.close();

		expect(await delivered).toEqual([{ target_url: url, error: 'the sandbox closed before the target responded' }]);
	});

	test('deliveries record each result', async () => {
		const target = await receiver(202);
		const url = `${target.url}/hook`;
		const remote = 'https://hooks.example.invalid/woodpecker';
		await subscribe(sandbox, url, DISCONNECTED_EVENT, '123');
		await subscribe(sandbox, remote, DISCONNECTED_EVENT);
		const before = Date.now();

		await sandbox.deliverEvent({ event: DISCONNECTED_EVENT, accountId: 459 });

		expect(sandbox.deliveries).toEqual([
			{ event: DISCONNECTED_EVENT, accountId: 459, target_url: url, status: 202, at: expect.stringMatching(ISO_TIMESTAMP) },
			{ event: DISCONNECTED_EVENT, accountId: 459, target_url: remote, error: NOT_LOCAL, at: expect.stringMatching(ISO_TIMESTAMP) },
		]);
		for (const delivery of sandbox.deliveries) {
			expect(Date.parse(delivery.at)).toBeGreaterThanOrEqual(before);
		}
	});

	test('created account gets events', async () => {
		const target = await receiver();
		await subscribe(sandbox, `${target.url}/hook`, CONNECTED_EVENT, '123');
		const created = await createAccount(sandbox, 123, WARSAW_BODY);
		expect(created.status).toBe(201);

		await sandbox.deliverEvent({ event: CONNECTED_EVENT, accountId: FIRST_NEW_ACCOUNT_ID });

		expect(target.requests).toHaveLength(1);
		const account = { id: FIRST_NEW_ACCOUNT_ID, session_status: 'CONNECTED', full_name: null, linkedin_url: null, level: null };
		expectPayload(target.requests[0].body, CONNECTED_EVENT, account, 123);
	});

	test.each([
		['unknown event', { event: 'linkedin_account_connected', accountId: 456 }, `Invalid event "linkedin_account_connected": expected one of ${CONNECTED_EVENT}, ${DISCONNECTED_EVENT}.`],
		['unknown account', { event: CONNECTED_EVENT, accountId: 999 }, 'LinkedIn account 999 not found: expected the id of a seeded or created account.'],
		['string account id', { event: CONNECTED_EVENT, accountId: '456' }, 'LinkedIn account "456" not found: expected the id of a seeded or created account.'],
		['zero timeout', { event: CONNECTED_EVENT, accountId: 456, timeoutMs: 0 }, 'Invalid timeoutMs 0: expected a positive integer.'],
	])('deliverEvent rejects %s', async (_case, request, message) => {
		await expect(sandbox.deliverEvent(request as any)).rejects.toThrow(message);
		await expectNorthwindUnchanged(sandbox);
	});

	test('control route delivers event', async () => {
		const target = await receiver();
		const url = `${target.url}/hook`;
		await subscribe(sandbox, url, DISCONNECTED_EVENT, '124');
		sandbox.clearRequests();

		const response = await call(sandbox, 'POST', DELIVER_PATH, null, JSON.stringify({ event: DISCONNECTED_EVENT, account_id: 460 }));

		expect(response.status).toBe(200);
		expect(response.contentType).toBe('application/json');
		expect(response.body).toEqual([{ target_url: url, status: 200 }]);
		expect(target.requests).toHaveLength(1);
		const account = {
			id: 460,
			session_status: 'DISCONNECTED',
			full_name: 'Katherine Johnson',
			linkedin_url: 'https://www.linkedin.com/in/katherine-johnson-example',
			level: null,
		};
		expectPayload(target.requests[0].body, DISCONNECTED_EVENT, account, 124);
		expect(sandbox.requests).toEqual([]);
		expect(sandbox.deliveries).toHaveLength(1);
	});

	test.each([
		// The rest of this message is JSON.parse's, which differs between Node versions.
		['non-JSON body', 'event=connected', expect.stringMatching(/^Request body is not valid JSON: ./)],
		['array body', '[]', 'Request body must be a JSON object with event and account_id.'],
		['unknown event', JSON.stringify({ event: 'connected', account_id: 456 }), `event must be one of ${CONNECTED_EVENT}, ${DISCONNECTED_EVENT}, got "connected"`],
		['missing account', JSON.stringify({ event: CONNECTED_EVENT }), 'account_id must be a positive integer, got undefined'],
		['string account', JSON.stringify({ event: CONNECTED_EVENT, account_id: '456' }), 'account_id must be a positive integer, got "456"'],
	])('control route 400 for %s', async (_case, body, message) => {
		const response = await call(sandbox, 'POST', DELIVER_PATH, null, body);

		expectValidationError(response, message);
		await expectNorthwindUnchanged(sandbox);
	});

	test('control route 404 for unknown account', async () => {
		const response = await call(sandbox, 'POST', DELIVER_PATH, null, JSON.stringify({ event: CONNECTED_EVENT, account_id: 999 }));

		expectNotFound(response, 'LinkedIn account 999 not found.');
	});

	test('control route lists subscriptions', async () => {
		await sandbox.close();
		sandbox = await startSandbox({ seed: twoKeySeed() });
		await subscribe(sandbox, 'https://hooks.example/northwind', CONNECTED_EVENT, '123');
		await subscribe(sandbox, 'https://hooks.example/agency', DISCONNECTED_EVENT);
		await subscribe(sandbox, 'https://hooks.example/second', CONNECTED_EVENT, null, SECOND_KEY);
		await subscribe(sandbox, 'https://hooks.example/northwind-2', DISCONNECTED_EVENT, '123');
		await subscribe(sandbox, 'https://hooks.example/removed', CONNECTED_EVENT, '124');
		await unsubscribe(sandbox, 'https://hooks.example/removed', CONNECTED_EVENT, '124');

		const response = await call(sandbox, 'GET', '/__sandbox/webhooks', null);

		const expected = [
			{
				apiKey: API_KEY,
				companyId: 123,
				webhooks: [
					{ target_url: 'https://hooks.example/northwind', event: CONNECTED_EVENT },
					{ target_url: 'https://hooks.example/northwind-2', event: DISCONNECTED_EVENT },
				],
			},
			{ apiKey: API_KEY, companyId: null, webhooks: [{ target_url: 'https://hooks.example/agency', event: DISCONNECTED_EVENT }] },
			{ apiKey: SECOND_KEY, companyId: null, webhooks: [{ target_url: 'https://hooks.example/second', event: CONNECTED_EVENT }] },
		];
		expect(sandbox.subscriptions()).toEqual(expected);
		expect(response.status).toBe(200);
		expect(response.contentType).toBe('application/json');
		expect(response.body).toEqual(expected.map((scope) => ({ ...scope, apiKey: '[redacted]' })));
		expect(response.text).not.toContain(API_KEY);
		expect(response.text).not.toContain(SECOND_KEY);
		expect(sandbox.requests.map((request) => request.path)).not.toContain('/__sandbox/webhooks');
	});

	test('subscriptions returns a copy', async () => {
		await subscribe(sandbox, 'https://hooks.example/a', CONNECTED_EVENT);

		sandbox.subscriptions()[0].webhooks.length = 0;

		await expectListed(sandbox, null, [{ target_url: 'https://hooks.example/a', event: CONNECTED_EVENT }]);
	});
});

describe('sandbox seed webhooks', () => {
	let sandbox: Sandbox | undefined;

	afterEach(async () => {
		await sandbox?.close();
		sandbox = undefined;
	});

	function seedWithWebhooks() {
		const seed = twoKeySeed();
		return {
			...seed,
			webhooks: [{ target_url: 'https://hooks.example/agency', event: CONNECTED_EVENT }],
			companies: seed.companies.map((company) => (company.id === 123
				? { ...company, webhooks: [{ target_url: 'https://hooks.example/northwind', event: DISCONNECTED_EVENT }] }
				: company)),
		};
	}

	test('seed webhooks are listed', async () => {
		sandbox = await startSandbox({ seed: seedWithWebhooks() });

		await expectListed(sandbox, null, [{ target_url: 'https://hooks.example/agency', event: CONNECTED_EVENT }]);
		await expectListed(sandbox, '123', [{ target_url: 'https://hooks.example/northwind', event: DISCONNECTED_EVENT }]);
		await expectListed(sandbox, '124', []);
		const secondKey = await listWebhooks(sandbox, null, SECOND_KEY);
		expect(secondKey.body).toEqual({ webhooks: [] });
		expect(sandbox.subscriptions()).toEqual([
			{ apiKey: API_KEY, companyId: null, webhooks: [{ target_url: 'https://hooks.example/agency', event: CONNECTED_EVENT }] },
			{ apiKey: API_KEY, companyId: 123, webhooks: [{ target_url: 'https://hooks.example/northwind', event: DISCONNECTED_EVENT }] },
		]);
	});

	test('seed webhooks count toward limit', async () => {
		const seed = {
			...loadSeed(),
			webhooks: [1, 2, 3].map((index) => ({ target_url: `https://hooks.example/${index}`, event: CONNECTED_EVENT })),
		};
		sandbox = await startSandbox({ seed });

		expectProblem(await subscribe(sandbox, 'https://hooks.example/4', CONNECTED_EVENT), 409, 'Conflict', DETAIL_LIMIT);
		expectUnsubscribed(await unsubscribe(sandbox, 'https://hooks.example/2', CONNECTED_EVENT));
	});

	test('seed webhooks stay out of companies list', async () => {
		sandbox = await startSandbox({ seed: seedWithWebhooks() });

		const response = await call(sandbox, 'GET', '/rest/v2/agency/companies');

		expect(response.status).toBe(200);
		expect(response.body.content).toEqual([NORTHWIND, FABRIKAM, TAILSPIN]);
	});

	const hook = (targetUrl: string, event = CONNECTED_EVENT) => ({ target_url: targetUrl, event });

	test.each([
		['non-array webhooks', { apiKeys: ['k'], companies: [], webhooks: {} }, 'webhooks must be an array of subscriptions when present, got {}'],
		['non-object entry', { apiKeys: ['k'], companies: [], webhooks: ['https://hooks.example/a'] }, 'webhooks[0] must be an object with target_url and event, got "https://hooks.example/a"'],
		['ftp URL', { apiKeys: ['k'], companies: [], webhooks: [hook('ftp://hooks.example/a')] }, `webhooks[0]: target_url must be an absolute http or https URL. Got {"target_url":"ftp://hooks.example/a","event":"${CONNECTED_EVENT}"}`],
		['missing event', { apiKeys: ['k'], companies: [], webhooks: [{ target_url: 'https://hooks.example/a' }] }, 'webhooks[0]: event is required.'],
		['unknown event', { apiKeys: ['k'], companies: [], webhooks: [hook('https://hooks.example/a', 'connected')] }, `webhooks[0]: event must be one of ${CONNECTED_EVENT}, ${DISCONNECTED_EVENT}.`],
		['duplicate entry', { apiKeys: ['k'], companies: [], webhooks: [hook('https://hooks.example/a'), hook('https://hooks.example/a')] }, 'webhooks[1] repeats an earlier subscription'],
		['fourth entry for an event', {
			apiKeys: ['k'],
			companies: [],
			webhooks: [1, 2, 3, 4].map((index) => hook(`https://hooks.example/${index}`)),
		}, `webhooks[3] exceeds the limit of 3 subscriptions to ${CONNECTED_EVENT}`],
		['invalid company entry', {
			apiKeys: ['k'],
			companies: [{ ...NORTHWIND, webhooks: [hook('https://hooks.example/a'), hook('/relative')] }],
		}, 'companies[0].webhooks[1]: target_url must be an absolute http or https URL.'],
		['webhooks without API keys', { apiKeys: [], companies: [{ ...NORTHWIND, webhooks: [hook('https://hooks.example/a')] }] }, 'a seed with webhooks needs at least one entry in apiKeys'],
	])('rejects %s', (_case, seed, message) => {
		expect(() => loadSeed(seed as any)).toThrow(message);
	});

	test('seed allows 3 per event and scope', () => {
		const webhooks = [1, 2, 3].flatMap((index) => [hook(`https://hooks.example/${index}`), hook(`https://hooks.example/${index}`, DISCONNECTED_EVENT)]);
		const seed = { apiKeys: ['k'], companies: [{ ...NORTHWIND, webhooks }], webhooks };

		expect(loadSeed(seed).webhooks).toEqual(webhooks);
	});
});

describe('sandbox CLI', () => {
	let workDir: string;

	beforeAll(() => {
		workDir = mkdtempSync(join(tmpdir(), 'woodpecker-sandbox-'));
	});

	afterAll(() => {
		rmSync(workDir, { recursive: true, force: true });
	});

	/** Starts the CLI and collects its output. */
	function startCli(args: string[]) {
		const child = spawn(process.execPath, [SERVER_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
		const output = { stdout: '', stderr: '' };
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			output.stdout += chunk;
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			output.stderr += chunk;
		});
		// 'close' waits for stdout and stderr to end, unlike 'exit'.
		const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
		return { child, output, exited };
	}

	/** Resolves with the first stdout line, or rejects if the CLI exits first. */
	function firstLine(cli: ReturnType<typeof startCli>): Promise<string> {
		return new Promise((resolve, reject) => {
			const check = () => {
				const end = cli.output.stdout.indexOf('\n');
				if (end !== -1) {
					resolve(cli.output.stdout.slice(0, end));
				}
			};
			cli.child.stdout.on('data', check);
			check();
			void cli.exited.then(() => reject(new Error(`CLI exited early: ${cli.output.stderr}`)));
		});
	}

	test('CLI serves and stops on SIGTERM', async () => {
		const urlFile = join(workDir, 'url.txt');
		const cli = startCli(['--port', '0', '--url-file', urlFile]);

		const line = await firstLine(cli);
		const { url } = JSON.parse(line) as { url: string };
		expect(Object.keys(JSON.parse(line))).toEqual(['url']);
		expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
		expect(readFileSync(urlFile, 'utf8')).toBe(`${url}\n`);

		const response = await fetch(`${url}${connectLinkPath(123, 456)}`, {
			method: 'POST',
			headers: { 'x-api-key': API_KEY },
		});
		const body = (await response.json()) as { connect_account_link: string };
		expect(response.status).toBe(201);

		cli.child.kill('SIGTERM');
		const [code, signal] = await cli.exited;
		expect(signal).toBeNull();
		expect(code).toBe(0);
		expect(cli.output.stdout).toBe(`${line}\n`);
		expect(cli.output.stderr).not.toContain(API_KEY);
		expect(cli.output.stderr).not.toContain(body.connect_account_link);
		expect(existsSync(urlFile)).toBe(false);
	});

	test('CLI stops on SIGINT', async () => {
		const cli = startCli([]);
		await firstLine(cli);

		cli.child.kill('SIGINT');
		const [code, signal] = await cli.exited;

		expect(signal).toBeNull();
		expect(code).toBe(0);
	});

	test.each([
		['bad port', ['--port', 'abc'], 'Invalid --port value "abc"'],
		['port out of range', ['--port', '65536'], 'Invalid --port value "65536"'],
		['unknown option', ['--verbose'], "Unknown option '--verbose'"],
		['missing seed file', ['--seed', join(tmpdir(), 'no-such-sandbox-seed.json')], 'Failed to read seed file'],
		['bad service time', ['--service-time-ms', '5ms'], 'Invalid --service-time-ms value "5ms"'],
		['inverted service range', ['--service-time-ms', '9-3'], 'Invalid --service-time-ms value "9-3": expected N or N-M with N <= M.'],
		['bad network delay', ['--network-delay-ms', '1.5'], 'Invalid --network-delay-ms value "1.5"'],
		['success reject status', ['--reject-status', '200'], 'Invalid --reject-status value "200": expected an integer from 400 to 599.'],
		['bad max queued', ['--max-queued', 'six'], 'Invalid --max-queued value "six"'],
		['rate above 1', ['--random-faults', '503', '--random-fault-rate', '2'], 'Invalid --random-fault-rate value "2"'],
		['rate without faults', ['--random-fault-rate', '0.5'], 'Missing --random-faults or --random-fault-rate: random faults need both.'],
		['seed without faults', ['--random-seed', '3'], 'Missing --random-faults or --random-fault-rate: random faults need both.'],
		['unknown random fault', ['--random-faults', '503,teapot', '--random-fault-rate', '0.5'], 'Invalid --random-faults value "503,teapot": "teapot" is not a fault name. Fault names: 429, 500'],
		['seed above 2^32', ['--random-faults', '503', '--random-fault-rate', '0.5', '--random-seed', '4294967296'], 'Invalid --random-seed value "4294967296"'],
	])('CLI exits 2 for %s', async (_case, args, message) => {
		const cli = startCli(args);
		const [code] = await cli.exited;

		expect(code).toBe(2);
		expect(cli.output.stdout).toBe('');
		expect(cli.output.stderr).toContain(message);
	});
	/** Starts the CLI, runs `check` with its URL, then stops it with SIGTERM and expects exit code 0. */
	async function withCli(args: string[], check: (url: string) => Promise<void>): Promise<void> {
		const cli = startCli(args);
		try {
			const { url } = JSON.parse(await firstLine(cli)) as { url: string };
			await check(url);
		} finally {
			cli.child.kill('SIGTERM');
		}
		const [code] = await cli.exited;
		expect(code).toBe(0);
		expect(cli.output.stderr).not.toContain(API_KEY);
	}

	test('CLI flags set settings', async () => {
		await withCli([
			'--concurrency',
			'--max-queued', '2',
			'--max-queue-wait-ms', '500',
			'--reject-status', '503',
			'--service-time-ms', '10-20',
			'--network-delay-ms', '4',
			'--random-faults', '503,reset',
			'--random-fault-rate', '0.25',
			'--random-seed', '7',
		], async (url) => {
			const response = await fetch(`${url}/__sandbox/settings`);

			expect(await response.json()).toEqual({
				concurrency: { enabled: true, maxQueued: 2, maxQueueWaitMs: 500, rejectStatus: 503 },
				serviceTimeMs: { min: 10, max: 20 },
				networkDelayMs: 4,
				randomFaults: { rate: 0.25, faults: [{ fault: '503' }, { fault: 'reset' }], seed: 7 },
			});
		});
	});

	test('CLI flags override seed settings', async () => {
		const seedFile = join(workDir, 'seed-with-settings.json');
		writeFileSync(seedFile, JSON.stringify({
			...loadSeed(),
			settings: { concurrency: { enabled: true, maxQueued: 1 }, serviceTimeMs: 5 },
		}));

		await withCli(['--seed', seedFile, '--reject-status', '503', '--service-time-ms', '0'], async (url) => {
			const response = await fetch(`${url}/__sandbox/settings`);

			expect(await response.json()).toEqual({
				concurrency: { enabled: true, maxQueued: 1, maxQueueWaitMs: 15000, rejectStatus: 503 },
				serviceTimeMs: 0,
				networkDelayMs: 0,
				randomFaults: null,
			});
		});
	});

	test('CLI random faults apply', async () => {
		await withCli(['--random-faults', '504', '--random-fault-rate', '1'], async (url) => {
			const response = await fetch(`${url}/rest/v2/agency/companies`, { headers: { 'x-api-key': API_KEY } });

			expect(response.status).toBe(504);
			expect(response.headers.get('content-type')).toBe('text/html');
		});
	});

	test('CLI help lists fault names', async () => {
		const cli = startCli(['--help']);
		const [code] = await cli.exited;

		expect(code).toBe(0);
		for (const name of FAULT_NAMES) {
			expect(cli.output.stdout).toContain(name);
		}
		expect(cli.output.stdout).toContain('--service-time-ms N|N-M');
	});
});
