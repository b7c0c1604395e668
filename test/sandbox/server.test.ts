import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

import { loadSeed, startSandbox } from './server';

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
	linkedin_slots: 3,
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
	text: string;
	body: any;
}

function connectLinkPath(companyId: string | number, accountId: string | number): string {
	return `/rest/v2/agency/companies/${companyId}/linkedin_accounts/${accountId}/generate-connect-link`;
}

/** Sends a request to the sandbox with the given API key (none when null) and parses JSON bodies. */
async function call(
	sandbox: Sandbox,
	method: string,
	path: string,
	apiKey: string | null = API_KEY,
	body?: string,
): Promise<ApiResponse> {
	const headers: Record<string, string> = {};
	if (apiKey !== null) {
		headers['x-api-key'] = apiKey;
	}
	const response = await fetch(sandbox.url + path, { method, headers, body });
	const text = await response.text();
	return {
		status: response.status,
		contentType: response.headers.get('content-type'),
		text,
		body: text === '' ? undefined : JSON.parse(text),
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
		expect(response.body).toEqual(sandbox.requests);
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
	])('rejects invalid %s', async (_case, options, message) => {
		await expect(startSandbox(options)).rejects.toThrow(message);
	});
});

describe('sandbox seed', () => {
	test('default seed loads', () => {
		const seed = loadSeed();

		expect(seed.apiKeys).toEqual([API_KEY]);
		expect(seed.companies.map((company) => company.id)).toEqual([123, 124, 125]);
		const accounts = seed.companies[0].linkedin_accounts ?? [];
		expect(accounts.map((account) => account.id)).toEqual([456, 457, 458]);
		expect(accounts.map((account) => account.fail === true)).toEqual([false, false, true]);
	});

	test.each([
		['duplicate company id', { apiKeys: [], companies: [{ ...NORTHWIND }, { ...NORTHWIND }] }, 'companies[1].id 123 is used more than once'],
		['non-integer company id', { apiKeys: [], companies: [{ ...NORTHWIND, id: '123' }] }, 'companies[0].id must be a positive integer'],
		['missing company field', { apiKeys: [], companies: [{ ...NORTHWIND, owner: undefined }] }, 'companies[0].owner must be a string'],
		['non-boolean fail', { apiKeys: [], companies: [{ ...NORTHWIND, linkedin_accounts: [{ id: 1, fail: 'yes' }] }] }, 'companies[0].linkedin_accounts[0].fail must be true or false'],
		['duplicate account id', {
			apiKeys: [],
			companies: [
				{ ...NORTHWIND, linkedin_accounts: [{ id: 1 }] },
				{ ...FABRIKAM, linkedin_accounts: [{ id: 1 }] },
			],
		}, 'companies[1].linkedin_accounts[0].id 1 is used more than once'],
		['empty api key', { apiKeys: [''], companies: [] }, 'apiKeys[0] must be a non-empty string'],
		['missing companies', { apiKeys: [] }, 'companies must be an array'],
	])('rejects %s', (_case, seed, message) => {
		expect(() => loadSeed(seed as any)).toThrow(message);
	});

	test('rejects missing seed file', () => {
		expect(() => loadSeed(join(tmpdir(), 'no-such-sandbox-seed.json'))).toThrow('Failed to read seed file');
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
	])('CLI exits 2 for %s', async (_case, args, message) => {
		const cli = startCli(args);
		const [code] = await cli.exited;

		expect(code).toBe(2);
		expect(cli.output.stdout).toBe('');
		expect(cli.output.stderr).toContain(message);
	});
});
