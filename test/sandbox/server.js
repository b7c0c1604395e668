'use strict';

/**
 * Woodpecker sandbox: a local HTTP server that imitates the Woodpecker API endpoints this
 * package calls, so tests and demos never reach the real service. It listens on 127.0.0.1 only.
 *
 * Module: `const sandbox = await startSandbox({ seed, port, companiesPageSize })`.
 * CLI: `node test/sandbox/server.js [--port N] [--seed FILE] [--url-file FILE]`.
 *
 * Nothing here logs request headers or connect links, because headers carry the API key and a
 * connect link works as a login token.
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { parseArgs } = require('node:util');

const HOST = '127.0.0.1';
const DEFAULT_SEED_PATH = path.join(__dirname, 'seed.json');
const DEFAULT_COMPANIES_PAGE_SIZE = 50;
const CONNECT_LINK_PREFIX = 'https://app.woodpecker.co/linkedin/connect?token=sbx_';
const CONTROL_PATH_PREFIX = '/__sandbox/';

/** A plain positive decimal integer: digits only, no sign and no leading zero. */
const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

const DETAIL_NO_RESOURCE = 'Requested resource does not exist';
const DETAIL_NO_ACTIVE_COMPANY = 'No active company found';

/**
 * @typedef {object} SeedAccount
 * @property {number} id
 * @property {boolean} [fail] Sandbox-only flag: generate-connect-link returns 500 for this
 *   account. No response body ever contains it.
 */

/**
 * @typedef {object} SeedCompany
 * @property {number} id
 * @property {string} name
 * @property {string} owner
 * @property {boolean} active
 * @property {number} running_campaigns
 * @property {number} email_slots
 * @property {number} linkedin_slots
 * @property {SeedAccount[]} [linkedin_accounts] Defaults to an empty list.
 */

/**
 * @typedef {object} Seed
 * @property {string[]} apiKeys Keys that the sandbox accepts in the x-api-key header.
 * @property {SeedCompany[]} companies Companies in the order the list endpoint returns them.
 */

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path Path without the query string, as sent (not percent-decoded).
 * @property {Record<string, string | string[]>} query Query parameters. A parameter given
 *   more than once maps to an array of its values.
 * @property {Record<string, string | string[] | undefined>} headers Request headers with
 *   lowercased names, as Node's http module parses them.
 * @property {string} body Raw request body decoded as UTF-8, '' when there is none.
 * @property {string} receivedAt ISO 8601 time at which the request arrived.
 */

/**
 * @typedef {object} SandboxState
 * @property {Set<string>} apiKeys
 * @property {SeedCompany[]} companies
 * @property {number} companiesPageSize
 * @property {RecordedRequest[]} requests
 */

/**
 * @typedef {object} JsonResponse
 * @property {number} status
 * @property {unknown} [body] Value sent as JSON. When undefined, the response has no body.
 */

/**
 * @typedef {object} RouteContext
 * @property {SandboxState} state
 * @property {Record<string, string>} params Named groups of the route pattern, not percent-decoded.
 * @property {URLSearchParams} query
 */

/**
 * @typedef {object} Route
 * @property {string} method
 * @property {RegExp} pattern Matched against the whole path, without the query string.
 * @property {boolean} requiresKey Whether the request needs a valid x-api-key header (else 401).
 * @property {(context: RouteContext) => JsonResponse | Promise<JsonResponse>} handler
 */

// ---------------------------------------------------------------------------------------------
// Response bodies

/** Formats a date as the API's error timestamps do: `YYYY-MM-DD HH:MM:SS` in UTC. */
function formatTimestamp(date = new Date()) {
	return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** @returns {JsonResponse} */
function unauthorized() {
	return {
		status: 401,
		body: { title: 'Unauthorized', status: 401, detail: 'Invalid api key', timestamp: formatTimestamp() },
	};
}

/**
 * @param {string} detail
 * @returns {JsonResponse}
 */
function notFound(detail) {
	return {
		status: 404,
		body: { title: 'Not Found', status: 404, detail, timestamp: formatTimestamp() },
	};
}

/**
 * @param {string} message
 * @returns {JsonResponse}
 */
function validationError(message) {
	return {
		status: 400,
		body: { type: 'VALIDATION_ERROR', code: 'BAD_REQUEST', message, request_id: crypto.randomUUID() },
	};
}

/** @returns {JsonResponse} */
function internalError() {
	return {
		status: 500,
		body: {
			type: 'INTERNAL_ERROR',
			code: 'INTERNAL_SERVER_ERROR',
			message: 'An unexpected error occurred on the server.',
			request_id: crypto.randomUUID(),
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Route handlers

/**
 * Parses the optional `page` query parameter. Returns undefined when it is not a plain
 * positive integer.
 * @param {string | null} value
 */
function parsePageNumber(value) {
	if (value === null) {
		return 1;
	}
	if (!POSITIVE_INTEGER.test(value) || !Number.isSafeInteger(Number(value))) {
		return undefined;
	}
	return Number(value);
}

/**
 * Parses the optional `active` query parameter into true, false, null (no filter), or
 * undefined when it is neither `true` nor `false`.
 * @param {string | null} value
 */
function parseActiveFilter(value) {
	if (value === null) {
		return null;
	}
	if (value === 'true' || value === 'false') {
		return value === 'true';
	}
	return undefined;
}

/**
 * Copies the fields that the companies list returns, so the nested LinkedIn accounts and
 * their sandbox-only `fail` flag stay out of the response.
 * @param {SeedCompany} company
 */
function toCompanySummary(company) {
	return {
		id: company.id,
		name: company.name,
		owner: company.owner,
		active: company.active,
		running_campaigns: company.running_campaigns,
		email_slots: company.email_slots,
		linkedin_slots: company.linkedin_slots,
	};
}

/**
 * Handles GET /rest/v2/agency/companies: one page of companies, optionally filtered by `active`.
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function listCompanies({ state, query }) {
	// NOTE: The real API's response to an invalid `page` or `active` value is unknown, so these
	// 400 responses are a sandbox choice. Values such as `TRUE` or `1` are rejected too.
	const page = parsePageNumber(query.get('page'));
	if (page === undefined) {
		return validationError('Invalid page number.');
	}
	const active = parseActiveFilter(query.get('active'));
	if (active === undefined) {
		return validationError('Invalid active filter.');
	}

	const matching = active === null
		? state.companies
		: state.companies.filter((company) => company.active === active);
	const pageSize = state.companiesPageSize;
	const start = (page - 1) * pageSize;

	return {
		status: 200,
		body: {
			content: matching.slice(start, start + pageSize).map(toCompanySummary),
			pagination_data: {
				total_elements: matching.length,
				total_pages: Math.ceil(matching.length / pageSize),
				current_page_number: page,
				page_size: pageSize,
			},
		},
	};
}

/**
 * Handles POST .../companies/{company_id}/linkedin_accounts/{account_id}/generate-connect-link.
 * The route pattern already limits the company id to a positive integer. Each call mints a
 * new token.
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function generateConnectLink({ state, params }) {
	// Ids are compared as decimal strings, so a huge id cannot round onto a seeded one.
	const company = state.companies.find((candidate) => String(candidate.id) === params.companyId);
	if (company === undefined || !company.active) {
		return notFound(DETAIL_NO_ACTIVE_COMPANY);
	}

	const account = POSITIVE_INTEGER.test(params.accountId)
		? (company.linkedin_accounts ?? []).find((candidate) => String(candidate.id) === params.accountId)
		: undefined;
	if (account === undefined) {
		return validationError('Invalid account id.');
	}
	if (account.fail === true) {
		return internalError();
	}

	return {
		status: 201,
		body: {
			account_id: account.id,
			connect_account_link: CONNECT_LINK_PREFIX + crypto.randomBytes(16).toString('hex'),
		},
	};
}

/**
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function listRecordedRequests({ state }) {
	return { status: 200, body: state.requests };
}

/**
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function clearRecordedRequests({ state }) {
	state.requests.length = 0;
	return { status: 204 };
}

/**
 * Routes, tried in order. A request that matches no method and pattern pair gets
 * 404 "Requested resource does not exist" before its key is checked.
 * @type {Route[]}
 */
const ROUTES = [
	{
		method: 'GET',
		pattern: /^\/rest\/v2\/agency\/companies$/,
		requiresKey: true,
		handler: listCompanies,
	},
	{
		// The account segment may be empty or any text because the handler rejects a bad
		// account id with 400, whereas a bad company id makes the URL unknown (404).
		method: 'POST',
		pattern: /^\/rest\/v2\/agency\/companies\/(?<companyId>[1-9][0-9]*)\/linkedin_accounts\/(?<accountId>[^/]*)\/generate-connect-link$/,
		requiresKey: true,
		handler: generateConnectLink,
	},
	{
		method: 'GET',
		pattern: /^\/__sandbox\/requests$/,
		requiresKey: false,
		handler: listRecordedRequests,
	},
	{
		method: 'DELETE',
		pattern: /^\/__sandbox\/requests$/,
		requiresKey: false,
		handler: clearRecordedRequests,
	},
];

// ---------------------------------------------------------------------------------------------
// Request handling

/**
 * Sends a JSON response, or an empty one when `body` is undefined.
 * @param {http.ServerResponse} res
 * @param {JsonResponse} response
 */
function sendJson(res, { status, body }) {
	if (body === undefined) {
		res.writeHead(status);
		res.end();
		return;
	}
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
	});
	res.end(text);
}

/**
 * Reads the whole request body as UTF-8 text.
 * @param {http.IncomingMessage} req
 * @returns {Promise<string>}
 */
function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * Converts query parameters to an object. A parameter given more than once maps to an array.
 * @param {URLSearchParams} query
 * @returns {Record<string, string | string[]>}
 */
function queryToObject(query) {
	/** @type {Record<string, string | string[]>} */
	const result = {};
	for (const name of new Set(query.keys())) {
		const values = query.getAll(name);
		result[name] = values.length === 1 ? values[0] : values;
	}
	return result;
}

/**
 * Finds the route for a request, checks the API key if the route needs one, and runs the handler.
 * @param {SandboxState} state
 * @param {string} method
 * @param {string} pathname
 * @param {URLSearchParams} query
 * @param {http.IncomingHttpHeaders} headers
 * @returns {Promise<JsonResponse>}
 */
async function routeRequest(state, method, pathname, query, headers) {
	for (const route of ROUTES) {
		if (route.method !== method) {
			continue;
		}
		const match = route.pattern.exec(pathname);
		if (match === null) {
			continue;
		}

		const apiKey = headers['x-api-key'];
		if (route.requiresKey && !(typeof apiKey === 'string' && state.apiKeys.has(apiKey))) {
			return unauthorized();
		}
		return route.handler({ state, params: { ...match.groups }, query });
	}
	return notFound(DETAIL_NO_RESOURCE);
}

/**
 * Records an API request (control requests under /__sandbox/ are not recorded), routes it and
 * sends the response. An exception from a handler becomes the API's 500 response.
 * @param {SandboxState} state
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
async function handleRequest(state, req, res) {
	const receivedAt = new Date().toISOString();
	const method = req.method ?? '';
	// The target is split by hand because `new URL()` would read a path starting with `//` as a host.
	const target = req.url ?? '/';
	const queryStart = target.indexOf('?');
	const pathname = queryStart === -1 ? target : target.slice(0, queryStart);
	const query = new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1));

	try {
		const body = await readBody(req);
		if (!pathname.startsWith(CONTROL_PATH_PREFIX)) {
			state.requests.push({
				method,
				path: pathname,
				query: queryToObject(query),
				headers: { ...req.headers },
				body,
				receivedAt,
			});
		}
		sendJson(res, await routeRequest(state, method, pathname, query, req.headers));
	} catch (error) {
		// The path is safe to log: the routes carry ids only, never a key or a token.
		console.error(`Woodpecker sandbox: ${method} ${pathname} failed with an unexpected error, responding with 500:`, error);
		if (!res.headersSent) {
			sendJson(res, internalError());
		} else {
			res.destroy();
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Seed data

/**
 * Throws a seed validation error unless `condition` holds.
 * @param {boolean} condition
 * @param {string} source
 * @param {string} message
 * @returns {asserts condition}
 */
function requireSeed(condition, source, message) {
	if (!condition) {
		throw new Error(`Invalid seed (${source}): ${message}`);
	}
}

/** @param {unknown} value */
function isPlainObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @param {unknown} value */
function isPositiveInteger(value) {
	return Number.isSafeInteger(value) && /** @type {number} */ (value) > 0;
}

/** @param {unknown} value */
function isNonNegativeInteger(value) {
	return Number.isSafeInteger(value) && /** @type {number} */ (value) >= 0;
}

/**
 * Validates one LinkedIn account of a seed.
 * @param {any} account
 * @param {string} where Location for error messages, such as `companies[0].linkedin_accounts[1]`.
 * @param {Set<number>} accountIds Ids seen so far, across all companies.
 * @param {string} source
 */
function validateSeedAccount(account, where, accountIds, source) {
	requireSeed(isPlainObject(account), source, `${where} must be an object`);
	requireSeed(isPositiveInteger(account.id), source,
		`${where}.id must be a positive integer, got ${JSON.stringify(account.id)}`);
	requireSeed(!accountIds.has(account.id), source, `${where}.id ${account.id} is used more than once`);
	accountIds.add(account.id);
	requireSeed(account.fail === undefined || typeof account.fail === 'boolean', source,
		`${where}.fail must be true or false when present, got ${JSON.stringify(account.fail)}`);
}

/**
 * Validates one company of a seed and fills in an empty `linkedin_accounts` list when absent.
 * @param {any} company
 * @param {string} where Location for error messages, such as `companies[0]`.
 * @param {Set<number>} companyIds Company ids seen so far.
 * @param {Set<number>} accountIds Account ids seen so far, across all companies.
 * @param {string} source
 */
function validateSeedCompany(company, where, companyIds, accountIds, source) {
	requireSeed(isPlainObject(company), source, `${where} must be an object`);
	requireSeed(isPositiveInteger(company.id), source,
		`${where}.id must be a positive integer, got ${JSON.stringify(company.id)}`);
	requireSeed(!companyIds.has(company.id), source, `${where}.id ${company.id} is used more than once`);
	companyIds.add(company.id);

	for (const field of ['name', 'owner']) {
		requireSeed(typeof company[field] === 'string', source, `${where}.${field} must be a string`);
	}
	requireSeed(typeof company.active === 'boolean', source, `${where}.active must be true or false`);
	for (const field of ['running_campaigns', 'email_slots', 'linkedin_slots']) {
		requireSeed(isNonNegativeInteger(company[field]), source,
			`${where}.${field} must be a non-negative integer, got ${JSON.stringify(company[field])}`);
	}

	if (company.linkedin_accounts === undefined) {
		company.linkedin_accounts = [];
	}
	requireSeed(Array.isArray(company.linkedin_accounts), source, `${where}.linkedin_accounts must be an array`);
	company.linkedin_accounts.forEach((/** @type {unknown} */ account, /** @type {number} */ index) => {
		validateSeedAccount(account, `${where}.linkedin_accounts[${index}]`, accountIds, source);
	});
}

/**
 * Validates seed data in place and throws an error naming the first invalid field.
 * @param {any} seed
 * @param {string} source File path or `object`, for error messages.
 * @returns {Seed}
 */
function validateSeed(seed, source) {
	requireSeed(isPlainObject(seed), source, 'the seed must be a JSON object');
	requireSeed(Array.isArray(seed.apiKeys), source, 'apiKeys must be an array of strings');
	seed.apiKeys.forEach((/** @type {unknown} */ key, /** @type {number} */ index) => {
		requireSeed(typeof key === 'string' && key !== '', source, `apiKeys[${index}] must be a non-empty string`);
	});

	requireSeed(Array.isArray(seed.companies), source, 'companies must be an array');
	/** @type {Set<number>} */
	const companyIds = new Set();
	/** @type {Set<number>} */
	const accountIds = new Set();
	seed.companies.forEach((/** @type {unknown} */ company, /** @type {number} */ index) => {
		validateSeedCompany(company, `companies[${index}]`, companyIds, accountIds, source);
	});
	return seed;
}

/**
 * Loads and validates seed data. A string is read as a JSON file path, and an object is deep
 * copied, so the running sandbox never changes the caller's object.
 * @param {Seed | string} [seedOrPath] Defaults to seed.json next to this file.
 * @returns {Seed}
 */
function loadSeed(seedOrPath = DEFAULT_SEED_PATH) {
	if (typeof seedOrPath !== 'string') {
		return validateSeed(structuredClone(seedOrPath), 'object');
	}

	let text;
	try {
		text = fs.readFileSync(seedOrPath, 'utf8');
	} catch (error) {
		throw new Error(`Failed to read seed file ${seedOrPath}: ${/** @type {Error} */ (error).message}`);
	}
	let seed;
	try {
		seed = JSON.parse(text);
	} catch (error) {
		throw new Error(`Seed file ${seedOrPath} is not valid JSON: ${/** @type {Error} */ (error).message}`);
	}
	return validateSeed(seed, seedOrPath);
}

// ---------------------------------------------------------------------------------------------
// Server

/**
 * @typedef {object} SandboxOptions
 * @property {Seed | string} [seed] Seed object or JSON file path. Defaults to seed.json next to this file.
 * @property {number} [port] TCP port on 127.0.0.1. Defaults to 0, which lets the OS pick a free port.
 * @property {number} [companiesPageSize] Companies per page of the list endpoint. Defaults to 50.
 */

/**
 * @typedef {object} Sandbox
 * @property {string} url Base URL, `http://127.0.0.1:<port>`.
 * @property {number} port
 * @property {http.Server} server The listening Node server.
 * @property {RecordedRequest[]} requests Recorded API requests, oldest first. The array is
 *   emptied in place by clearRequests, so a held reference stays current.
 * @property {() => void} clearRequests
 * @property {() => Promise<void>} close Stops the server and drops open connections. Calling it
 *   again returns the same promise.
 */

/**
 * Starts a sandbox on 127.0.0.1 and resolves once it listens.
 * @param {SandboxOptions} [options]
 * @returns {Promise<Sandbox>}
 */
async function startSandbox(options = {}) {
	const {
		seed = DEFAULT_SEED_PATH,
		port = 0,
		companiesPageSize = DEFAULT_COMPANIES_PAGE_SIZE,
	} = options;
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new Error(`Invalid port ${JSON.stringify(port)}: expected an integer from 0 to 65535.`);
	}
	if (!isPositiveInteger(companiesPageSize)) {
		throw new Error(`Invalid companiesPageSize ${JSON.stringify(companiesPageSize)}: expected a positive integer.`);
	}

	const validSeed = loadSeed(seed);
	/** @type {SandboxState} */
	const state = {
		apiKeys: new Set(validSeed.apiKeys),
		companies: validSeed.companies,
		companiesPageSize,
		requests: [],
	};

	const server = http.createServer((req, res) => {
		void handleRequest(state, req, res);
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, HOST, () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});

	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	/** @type {Promise<void> | undefined} */
	let closing;

	return {
		url: `http://${HOST}:${address.port}`,
		port: address.port,
		server,
		requests: state.requests,
		clearRequests() {
			state.requests.length = 0;
		},
		close() {
			closing ??= new Promise((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				// fetch keeps connections alive, and close() alone would wait for them to end.
				server.closeAllConnections();
			});
			return closing;
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Command line

const USAGE = `Usage: node test/sandbox/server.js [--port N] [--seed FILE] [--url-file FILE]

Starts the Woodpecker sandbox on 127.0.0.1 and prints one line, {"url":"http://127.0.0.1:PORT"},
once it listens. Stops on SIGTERM or SIGINT.

Options:
  --port N         TCP port, 0 to 65535. Default 0 lets the OS pick a free port.
  --seed FILE      JSON seed file with API keys, companies and LinkedIn accounts.
                   Default: seed.json next to server.js.
  --url-file FILE  Also write the URL to FILE. The file is removed on shutdown.
  --help           Print this help and exit.`;

/**
 * @typedef {object} CliOptions
 * @property {boolean} help
 * @property {number} port
 * @property {string | undefined} seedPath
 * @property {string | undefined} urlFile
 */

/**
 * Parses command-line arguments and throws an error that names the invalid argument.
 * @param {string[]} args Arguments after the script path.
 * @returns {CliOptions}
 */
function parseCliArguments(args) {
	const { values } = parseArgs({
		args,
		options: {
			port: { type: 'string' },
			seed: { type: 'string' },
			'url-file': { type: 'string' },
			help: { type: 'boolean', short: 'h' },
		},
		strict: true,
		allowPositionals: false,
	});

	let port = 0;
	if (values.port !== undefined) {
		port = Number(values.port);
		if (!/^[0-9]+$/.test(values.port) || port > 65535) {
			throw new Error(`Invalid --port value ${JSON.stringify(values.port)}: expected an integer from 0 to 65535.`);
		}
	}
	if (values.seed === '') {
		throw new Error('Invalid --seed value: expected a file path, got an empty string.');
	}
	if (values['url-file'] === '') {
		throw new Error('Invalid --url-file value: expected a file path, got an empty string.');
	}

	return {
		help: values.help === true,
		port,
		seedPath: values.seed,
		urlFile: values['url-file'],
	};
}

/**
 * Writes `text` to a temporary file next to `file` and renames it, so a reader polling for
 * `file` never reads a half-written file.
 * @param {string} file
 * @param {string} text
 */
function writeFileAtomically(file, text) {
	const temporaryFile = `${file}.${process.pid}.tmp`;
	fs.writeFileSync(temporaryFile, text);
	fs.renameSync(temporaryFile, file);
}

/**
 * Runs the CLI. Argument and seed errors set exit code 2, and a failure to listen sets 1.
 * @param {string[]} args Arguments after the script path.
 */
async function runCli(args) {
	/** @type {CliOptions} */
	let options;
	try {
		options = parseCliArguments(args);
	} catch (error) {
		process.stderr.write(`Woodpecker sandbox: ${/** @type {Error} */ (error).message}\n\n${USAGE}\n`);
		process.exitCode = 2;
		return;
	}
	if (options.help) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}

	let seed;
	try {
		seed = loadSeed(options.seedPath);
	} catch (error) {
		process.stderr.write(`Woodpecker sandbox: ${/** @type {Error} */ (error).message}\n`);
		process.exitCode = 2;
		return;
	}

	let sandbox;
	try {
		sandbox = await startSandbox({ seed, port: options.port });
	} catch (error) {
		process.stderr.write(
			`Woodpecker sandbox: failed to listen on ${HOST}:${options.port}: ${/** @type {Error} */ (error).message}. `
				+ 'Choose another --port, or 0 for a free port.\n',
		);
		process.exitCode = 1;
		return;
	}

	const { urlFile } = options;
	if (urlFile !== undefined) {
		try {
			writeFileAtomically(urlFile, `${sandbox.url}\n`);
		} catch (error) {
			process.stderr.write(
				`Woodpecker sandbox: failed to write --url-file ${urlFile}: ${/** @type {Error} */ (error).message}\n`,
			);
			process.exitCode = 2;
			await sandbox.close();
			return;
		}
	}

	/** @param {NodeJS.Signals} signal */
	const stop = (signal) => {
		process.off('SIGTERM', stop);
		process.off('SIGINT', stop);
		sandbox.close().then(
			() => {
				if (urlFile !== undefined) {
					fs.rmSync(urlFile, { force: true });
				}
				process.stderr.write(`Woodpecker sandbox: stopped on ${signal}\n`);
			},
			(error) => {
				process.stderr.write(`Woodpecker sandbox: failed to stop on ${signal}: ${error.message}\n`);
				process.exitCode = 1;
			},
		);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);

	process.stdout.write(`${JSON.stringify({ url: sandbox.url })}\n`);
}

if (require.main === module) {
	void runCli(process.argv.slice(2));
}

module.exports = { startSandbox, loadSeed, formatTimestamp };
