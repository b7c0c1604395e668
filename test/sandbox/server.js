'use strict';

/**
 * Woodpecker sandbox: a local HTTP server that imitates the Woodpecker API endpoints this
 * package calls, so tests and demos never reach the real service. It listens on 127.0.0.1 only.
 *
 * Module: `const sandbox = await startSandbox({ seed, port, companiesPageSize, concurrency,
 * serviceTimeMs, networkDelayMs, randomFaults })`.
 * CLI: `node test/sandbox/server.js --help` lists the flags.
 *
 * Besides the normal responses, the sandbox can imitate Woodpecker's per-key concurrency limit,
 * service time, network delay and injected faults (error statuses, proxy pages, resets, hangs).
 * test/sandbox/README.md describes the options.
 *
 * Nothing here logs request headers or connect links, because headers carry the API key and a
 * connect link works as a login token. Only the `echo-headers` fault sends headers back, in its
 * response body, on purpose.
 */

const crypto = require('node:crypto');
const { setMaxListeners } = require('node:events');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
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
 * Time zones that create-LinkedIn-account accepts.
 * NOTE: Woodpecker does not publish its list, so the sandbox accepts exactly the zones of
 * `Intl.supportedValuesOf('timeZone')`. On Node 20 and 24 that list has no `UTC` and uses ICU's
 * names for renamed zones, such as `Asia/Calcutta` and not `Asia/Kolkata`.
 */
const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone'));

/** Account fields that a seed may set to a string or null, returned by the accounts list. */
const ACCOUNT_TEXT_FIELDS = ['username', 'session_status', 'full_name', 'linkedin_url', 'level'];

/** Webhook events that Woodpecker documents for LinkedIn accounts. */
const WEBHOOK_EVENTS = Object.freeze(['linkedin_automation_account_connected', 'linkedin_automation_account_disconnected']);

/** Woodpecker's documented maximum of subscriptions to one event per account, each to another URL. */
const MAX_SUBSCRIPTIONS_PER_EVENT = 3;

/** Host names of the targets that webhook delivery sends to. Delivery always connects to 127.0.0.1. */
const LOCAL_TARGET_HOSTNAMES = ['127.0.0.1', 'localhost'];

const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;

/** Size of the `message` in the `huge-body` fault's JSON body: 5 MiB of ASCII. */
const HUGE_MESSAGE_LENGTH = 5 * 1024 * 1024;

/**
 * Woodpecker's documented rule: per API key one request is in progress, up to 6 more wait
 * in a queue for at most 15 seconds, and any further request is rejected at once.
 * @type {ConcurrencySettings}
 */
const DEFAULT_CONCURRENCY = {
	enabled: false,
	maxQueued: 6,
	maxQueueWaitMs: 15_000,
	rejectStatus: 429,
};

/** Seed used by the random fault generator when `randomFaults.seed` is absent. */
const DEFAULT_RANDOM_SEED = 1;

/**
 * @typedef {object} FaultSpec
 * @property {string} fault Fault name, one of FAULT_NAMES.
 * @property {number} [retryAfterSeconds] Retry-After delay of the `429-retry-after-*` faults.
 * @property {number} [delayMs] Extra service time of the `slow` fault.
 */

/**
 * @typedef {string | FaultSpec} FaultInput A fault name, or an object with the name in
 *   `fault` and its parameters.
 */

/**
 * @typedef {object} InjectedFaultSpec
 * @property {string} fault
 * @property {number} [accountId] When set, only generate-connect-link for this account
 *   takes the fault. When absent, the next API request of any route takes it.
 * @property {number} [times] How many requests take the fault. Defaults to 1.
 * @property {number} [retryAfterSeconds]
 * @property {number} [delayMs]
 */

/**
 * @typedef {string | InjectedFaultSpec} InjectedFaultInput
 */

/**
 * @typedef {object} InjectedFault
 * @property {FaultSpec} spec
 * @property {string | undefined} accountId Account id as a decimal string, to compare with
 *   the path segment.
 * @property {number} times Requests left that take this fault.
 */

/**
 * @typedef {object} SeedAccount
 * @property {number} id
 * @property {string | null} [username] Deprecated by Woodpecker. The fields from here to
 *   `level` are returned by the accounts list, as null when absent.
 * @property {string | null} [session_status] Such as CONNECTED, DISCONNECTED or
 *   WAITING_FOR_CONNECTION.
 * @property {string | null} [full_name]
 * @property {string | null} [linkedin_url]
 * @property {string | null} [level]
 * @property {string} [timezone] IANA time zone of an account created while the sandbox runs.
 *   No response body contains it.
 * @property {boolean} [fail] Sandbox-only flag: generate-connect-link returns 500 for this
 *   account. No response body ever contains it.
 * @property {FaultInput[]} [faults] Sandbox-only fault queue: the first generate-connect-link
 *   request for this account gets the first fault, the second request the second, and so on.
 *   No response body ever contains it.
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
 * @property {WebhookSubscription[]} [webhooks] Sandbox-only: webhook subscriptions of this
 *   company's scope under the seed's first API key. No response body of the companies list
 *   contains them.
 */

/**
 * @typedef {object} WebhookSubscription
 * @property {string} target_url Absolute http or https URL, compared as an exact string.
 * @property {string} event One of WEBHOOK_EVENTS.
 */

/**
 * @typedef {object} WebhookScope Webhook subscriptions of one Woodpecker account: an API key
 *   alone (the agency itself), or an API key acting for one company through x-company-id.
 * @property {string} apiKey
 * @property {number | null} companyId Null for the agency itself.
 * @property {WebhookSubscription[]} subscriptions In subscription order.
 */

/**
 * @typedef {{ target_url: string, status: number } | { target_url: string, error: string }} DeliveryResult
 *   The HTTP status of the target's response, or why no response arrived.
 */

/**
 * @typedef {object} DeliveryRecord One webhook POST the sandbox made or declined to make.
 * @property {string} event
 * @property {number} accountId
 * @property {string} target_url
 * @property {number} [status] HTTP status of the target's response, absent when `error` is set.
 * @property {string} [error] Why no response arrived, absent when `status` is set.
 * @property {string} at ISO 8601 time at which the result was known.
 */

/**
 * @typedef {object} Seed
 * @property {string[]} apiKeys Keys that the sandbox accepts in the x-api-key header.
 * @property {SeedCompany[]} companies Companies in the order the list endpoint returns them.
 * @property {SettingsInput} [settings] Defaults for the behaviour options. Options given to
 *   startSandbox or on the command line take precedence.
 * @property {WebhookSubscription[]} [webhooks] Webhook subscriptions of the agency scope of
 *   the first API key.
 */

/**
 * @typedef {object} ConcurrencySettings
 * @property {boolean} enabled Whether the per-key limit applies. When false, every request
 *   starts its service time at once.
 * @property {number} maxQueued Requests per key that may wait while one is in progress.
 * @property {number} maxQueueWaitMs How long a queued request waits before it is rejected.
 * @property {number} rejectStatus HTTP status of a rejection, from 400 to 599.
 */

/**
 * @typedef {number | { min: number, max: number }} ServiceTime Milliseconds, fixed or drawn
 *   uniformly from `min` to `max` for each request.
 */

/**
 * @typedef {object} RandomFaultSettings
 * @property {number} rate Probability from 0 to 1 that a request gets a fault.
 * @property {FaultSpec[]} faults Faults to pick from, each equally likely.
 * @property {number} seed Seed of the pseudo-random generator, an integer from 0 to 2^32 - 1.
 */

/**
 * @typedef {object} RandomFaultInput
 * @property {number} rate
 * @property {FaultInput[]} faults
 * @property {number} [seed] Defaults to 1, so runs repeat unless a seed is given.
 */

/**
 * @typedef {object} SettingsInput
 * @property {Partial<ConcurrencySettings>} [concurrency] Merged field by field over the defaults.
 * @property {ServiceTime} [serviceTimeMs]
 * @property {number} [networkDelayMs]
 * @property {RandomFaultInput | null} [randomFaults] Replaces a seed's setting as a whole, and
 *   null turns random faults off.
 */

/**
 * @typedef {object} SandboxSettings
 * @property {ConcurrencySettings} concurrency
 * @property {ServiceTime} serviceTimeMs
 * @property {number} networkDelayMs
 * @property {RandomFaultSettings | null} randomFaults
 */

/**
 * @typedef {object} SandboxStats Counters over API requests. Control requests under
 *   /__sandbox/ are not counted.
 * @property {number} received Requests that arrived.
 * @property {Record<string, number>} answered Responses sent, by HTTP status. Resets and
 *   hangs send none, so they are not counted here.
 * @property {number} rejectedByConcurrency Requests rejected by the per-key limit, at once or
 *   after their queue wait ran out. They are also counted in `answered`.
 * @property {Record<string, number>} faults Faults given, by fault name.
 * @property {number} maxInProgress Highest number of requests in progress at once for any one
 *   API key. It is counted even when the concurrency rule is off.
 * @property {number} maxQueued Highest number of requests waiting at once for any one API key.
 * @property {number} maxOpen Highest number of API requests open at once, all keys together:
 *   received and not yet responded to, reset or given up by the client. This is what a client
 *   has in flight, network delay included.
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
 * @property {string | null} fault Name of the fault the request got, or null.
 * @property {number | null} status HTTP status sent. It is null until the response is sent,
 *   and stays null after a `reset` or `hang` fault.
 */

/**
 * @typedef {object} KeyGate Requests of one API key that are in progress or queued.
 * @property {number} inProgress
 * @property {Array<{ admit: () => void, reject: (error: Error) => void, timer: NodeJS.Timeout }>} waiting
 */

/**
 * @typedef {object} SandboxState
 * @property {Set<string>} apiKeys
 * @property {SeedCompany[]} companies
 * @property {number} companiesPageSize
 * @property {RecordedRequest[]} requests
 * @property {SandboxSettings} settings
 * @property {Map<string, FaultSpec[]>} accountFaults Seeded fault queues, by account id as a
 *   decimal string.
 * @property {Set<string>} accountIds Ids of all seeded accounts, as decimal strings.
 * @property {number} nextAccountId Id of the next account that create-LinkedIn-account adds,
 *   larger than every account id so far.
 * @property {InjectedFault[]} injectedFaults
 * @property {(() => number) | null} nextRandom Draws from the random fault generator, or null
 *   when random faults are off.
 * @property {Map<string, KeyGate>} gates By API key.
 * @property {SandboxStats} stats
 * @property {number} openRequests API requests received and not yet closed.
 * @property {Map<string, WebhookScope>} webhookScopes By scopeKey({ apiKey, companyId }), in
 *   the order of each scope's first subscription. A scope without subscriptions is removed.
 * @property {DeliveryRecord[]} deliveries
 * @property {AbortController} closing Aborted by close(), which cancels every pending delay.
 */

/**
 * @typedef {object} JsonResponse
 * @property {number} status
 * @property {unknown} [body] Value sent as JSON. When undefined, the response has no body.
 */

/**
 * @typedef {object} HttpResponse
 * @property {number} status
 * @property {Record<string, string>} [headers]
 * @property {string} [body] When undefined, the response has no body and no Content-Length.
 */

/**
 * @typedef {HttpResponse | 'reset' | 'hang'} Outcome What to do with a request: send a
 *   response, destroy the socket without one, or never respond.
 */

/**
 * @typedef {object} RouteContext
 * @property {SandboxState} state
 * @property {Record<string, string>} params Named groups of the route pattern, not percent-decoded.
 * @property {URLSearchParams} query
 * @property {http.IncomingHttpHeaders} headers
 * @property {string} body Raw request body.
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
 * Builds an error in the `{title, status, detail, timestamp}` shape of the 401 and 404
 * responses, which the v1 webhook routes use for all their errors.
 * @param {number} status
 * @param {string} detail
 * @returns {JsonResponse}
 */
function problemError(status, detail) {
	return {
		status,
		body: { title: http.STATUS_CODES[status], status, detail, timestamp: formatTimestamp() },
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

/**
 * @param {string} [message]
 * @returns {JsonResponse}
 */
function internalError(message = 'An unexpected error occurred on the server.') {
	return {
		status: 500,
		body: {
			type: 'INTERNAL_ERROR',
			code: 'INTERNAL_SERVER_ERROR',
			message,
			request_id: crypto.randomUUID(),
		},
	};
}

/**
 * Builds the rejection of the per-key concurrency limit, also used by the `429` faults.
 * NOTE: Woodpecker documents the limit but not the rejection, so this body and the default
 * status 429 are the sandbox's assumption.
 * @param {number} status
 * @returns {JsonResponse}
 */
function tooManyRequests(status) {
	return {
		status,
		body: {
			type: 'TOO_MANY_REQUESTS',
			code: 'TOO_MANY_REQUESTS',
			message: 'Too many requests in progress for this API key.',
			request_id: crypto.randomUUID(),
		},
	};
}

/**
 * Converts a JSON response to the bytes-level form that sendResponse writes.
 * @param {JsonResponse} response
 * @returns {HttpResponse}
 */
function toHttpResponse({ status, body }) {
	if (body === undefined) {
		// A 204 response never has a body. For any other status Node would send an empty
		// chunked body, so the response gets `Content-Length: 0` instead.
		return status === 204 ? { status } : { status, body: '' };
	}
	return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

/**
 * Builds an HTML error page of the kind a reverse proxy sends when the API behind it fails.
 * @param {number} status
 * @returns {HttpResponse}
 */
function proxyErrorPage(status) {
	const title = `${status} ${http.STATUS_CODES[status]}`;
	return {
		status,
		headers: { 'Content-Type': 'text/html' },
		body: `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center>`
			+ '<hr><center>proxy</center></body></html>\n',
	};
}

const LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Log in - Woodpecker</title></head>
<body>
<form method="post" action="/login">
<label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Log in</button>
</form>
</body>
</html>
`;

/**
 * Formats an HTTP-date at least `seconds` ahead of now. The date is rounded up to a whole
 * second, because the format has no fractions and must not name a time too early.
 * @param {number} seconds
 */
function httpDateAhead(seconds) {
	return new Date((Math.ceil(Date.now() / 1000) + seconds) * 1000).toUTCString();
}

// ---------------------------------------------------------------------------------------------
// Faults

/**
 * @typedef {object} FaultContext
 * @property {Record<string, string>} params Named groups of the matched route.
 * @property {http.IncomingHttpHeaders} headers
 */

/**
 * @typedef {object} FaultDefinition
 * @property {Record<string, number>} parameters Parameter names with their defaults. Every
 *   parameter is a non-negative integer.
 * @property {((spec: FaultSpec, context: FaultContext) => Outcome) | null} respond Builds the
 *   faulty outcome. Null means the route handler builds the response as usual.
 * @property {(spec: FaultSpec) => number} [extraServiceMs] Time added to the service time.
 */

/**
 * Faults by name. A fault replaces the normal response to one API request that passed the key
 * check and the concurrency queue, and the request still occupies its slot for its service time.
 * @type {Record<string, FaultDefinition>}
 */
const FAULTS = {
	'429': {
		parameters: {},
		respond: () => toHttpResponse(tooManyRequests(429)),
	},
	'429-retry-after-seconds': {
		parameters: { retryAfterSeconds: 1 },
		respond: (spec) => withHeader(toHttpResponse(tooManyRequests(429)), 'Retry-After', String(spec.retryAfterSeconds)),
	},
	'429-retry-after-date': {
		parameters: { retryAfterSeconds: 1 },
		respond: (spec) => withHeader(toHttpResponse(tooManyRequests(429)), 'Retry-After', httpDateAhead(spec.retryAfterSeconds ?? 1)),
	},
	'500': {
		parameters: {},
		respond: () => toHttpResponse(internalError()),
	},
	'502': {
		parameters: {},
		respond: () => proxyErrorPage(502),
	},
	'503': {
		parameters: {},
		respond: () => proxyErrorPage(503),
	},
	'504': {
		parameters: {},
		respond: () => proxyErrorPage(504),
	},
	reset: {
		parameters: {},
		respond: () => 'reset',
	},
	hang: {
		parameters: {},
		respond: () => 'hang',
	},
	slow: {
		// The extra time counts as service time, so the request keeps its slot meanwhile.
		parameters: { delayMs: 2000 },
		respond: null,
		extraServiceMs: (spec) => spec.delayMs ?? 0,
	},
	'empty-201': {
		parameters: {},
		// The JSON content type with an empty body is deliberate: a client that trusts the
		// header and parses the body fails here.
		respond: () => ({ status: 201, headers: { 'Content-Type': 'application/json' }, body: '' }),
	},
	'html-login-200': {
		parameters: {},
		respond: () => ({ status: 200, headers: { 'Content-Type': 'text/html' }, body: LOGIN_PAGE }),
	},
	'no-link-201': {
		parameters: {},
		respond: (_spec, { params }) => toHttpResponse({
			status: 201,
			body: { account_id: POSITIVE_INTEGER.test(params.accountId ?? '') ? Number(params.accountId) : null },
		}),
	},
	'huge-body': {
		parameters: {},
		respond: () => toHttpResponse(internalError('x'.repeat(HUGE_MESSAGE_LENGTH))),
	},
	'echo-headers': {
		parameters: {},
		// This sends the x-api-key header back on purpose, to check that a client redacts it.
		respond: (_spec, { headers }) => toHttpResponse(validationError(`Invalid request headers: ${JSON.stringify(headers)}`)),
	},
};

/** Names of all faults. JavaScript lists the numeric names first, in ascending order. */
const FAULT_NAMES = Object.freeze(Object.keys(FAULTS));

/**
 * @param {HttpResponse} response
 * @param {string} name
 * @param {string} value
 * @returns {HttpResponse}
 */
function withHeader(response, name, value) {
	return { ...response, headers: { ...response.headers, [name]: value } };
}

/**
 * Validates a fault name or fault object and returns it as a FaultSpec with defaults filled in.
 * Throws an error that starts with `label`.
 * @param {unknown} input
 * @param {string} label Location for error messages, such as `faults[0]`.
 * @param {string[]} [extraKeys] Further keys the caller reads from the object itself.
 * @returns {FaultSpec}
 */
function normalizeFaultSpec(input, label, extraKeys = []) {
	const isName = typeof input === 'string';
	if (!isName && !isPlainObject(input)) {
		throw new Error(`${label} must be a fault name or an object with a "fault" name, got ${JSON.stringify(input)}`);
	}
	/** @type {Record<string, unknown>} */
	const entry = isName ? { fault: input } : /** @type {Record<string, unknown>} */ (input);
	const name = entry.fault;
	if (typeof name !== 'string' || !Object.hasOwn(FAULTS, name)) {
		const where = isName ? label : `${label}.fault`;
		throw new Error(`${where} must be one of ${FAULT_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
	}

	const { parameters } = FAULTS[name];
	/** @type {FaultSpec} */
	const spec = { fault: name, ...parameters };
	for (const [key, value] of Object.entries(entry)) {
		if (key === 'fault' || extraKeys.includes(key)) {
			continue;
		}
		if (!Object.hasOwn(parameters, key)) {
			const accepted = Object.keys(parameters);
			throw new Error(`${label}.${key} is not a parameter of fault "${name}", which takes `
				+ `${accepted.length === 0 ? 'none' : accepted.join(', ')}`);
		}
		if (!isNonNegativeInteger(value)) {
			throw new Error(`${label}.${key} must be a non-negative integer, got ${JSON.stringify(value)}`);
		}
		/** @type {Record<string, unknown>} */ (spec)[key] = value;
	}
	return spec;
}

/**
 * Validates a list of faults to inject and converts it to queue entries. Throws an error that
 * names the first invalid entry.
 * @param {unknown} entries
 * @param {Set<string>} accountIds Seeded account ids, so a mistyped `accountId` fails here.
 * @returns {InjectedFault[]}
 */
function parseInjectedFaults(entries, accountIds) {
	if (!Array.isArray(entries)) {
		throw new Error(`faults must be an array, got ${JSON.stringify(entries)}`);
	}
	return entries.map((entry, index) => {
		const label = `faults[${index}]`;
		const spec = normalizeFaultSpec(entry, label, ['accountId', 'times']);
		const { accountId, times = 1 } = typeof entry === 'string' ? {} : entry;
		if (accountId !== undefined && !(isPositiveInteger(accountId) && accountIds.has(String(accountId)))) {
			throw new Error(`${label}.accountId must be the id of a seeded LinkedIn account, got ${JSON.stringify(accountId)}`);
		}
		if (!isPositiveInteger(times)) {
			throw new Error(`${label}.times must be a positive integer, got ${JSON.stringify(times)}`);
		}
		return { spec, accountId: accountId === undefined ? undefined : String(accountId), times };
	});
}

/**
 * Lists the injected faults still waiting, in the form injectFaults accepts.
 * @param {SandboxState} state
 * @returns {InjectedFaultSpec[]}
 */
function describeInjectedFaults(state) {
	return state.injectedFaults.map(({ spec, accountId, times }) => ({
		...spec,
		...(accountId === undefined ? {} : { accountId: Number(accountId) }),
		times,
	}));
}

/**
 * Creates a mulberry32 pseudo-random generator, which is small, fast and repeatable for a
 * given seed. Returns numbers in [0, 1).
 * @param {number} seed
 */
function createRandomGenerator(seed) {
	let stateValue = seed >>> 0;
	return () => {
		stateValue = (stateValue + 0x6d2b79f5) >>> 0;
		let mixed = stateValue;
		mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
		mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
		return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Takes the fault for one API request, or null for a normal response. The sources, in order:
 * the account's seeded queue, the injected queue, then the random mix.
 * @param {SandboxState} state
 * @param {Record<string, string>} params Route parameters. Only generate-connect-link has
 *   `accountId`.
 * @returns {FaultSpec | null}
 */
function takeFault(state, params) {
	const { accountId } = params;

	const seeded = accountId === undefined ? undefined : state.accountFaults.get(accountId);
	if (seeded !== undefined && seeded.length > 0) {
		return /** @type {FaultSpec} */ (seeded.shift());
	}

	const index = state.injectedFaults.findIndex(
		(entry) => entry.accountId === undefined || entry.accountId === accountId,
	);
	if (index !== -1) {
		const entry = state.injectedFaults[index];
		entry.times -= 1;
		if (entry.times === 0) {
			state.injectedFaults.splice(index, 1);
		}
		return entry.spec;
	}

	const { randomFaults } = state.settings;
	if (randomFaults !== null && state.nextRandom !== null && state.nextRandom() < randomFaults.rate) {
		return randomFaults.faults[Math.floor(state.nextRandom() * randomFaults.faults.length)];
	}
	return null;
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
 * their sandbox-only `fail` and `faults` fields stay out of the response.
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
 * Finds an active company by its id as a decimal string, or returns undefined.
 * @param {SandboxState} state
 * @param {string} companyId
 */
function findActiveCompany(state, companyId) {
	// Ids are compared as decimal strings, so a huge id cannot round onto a seeded one.
	const company = state.companies.find((candidate) => String(candidate.id) === companyId);
	return company !== undefined && company.active ? company : undefined;
}

/**
 * Finds the company that an agency key acts for through the x-company-id header. Returns null
 * without the header, and undefined when the value is not the id of an active company.
 * @param {SandboxState} state
 * @param {http.IncomingHttpHeaders} headers
 * @returns {SeedCompany | null | undefined}
 */
function findHeaderCompany(state, headers) {
	const companyId = headers['x-company-id'];
	if (companyId === undefined) {
		return null;
	}
	// Node joins a repeated x-company-id header into one string, such as `123, 124`, which
	// matches no company.
	return typeof companyId === 'string' ? findActiveCompany(state, companyId) : undefined;
}

/** Mints a connect link with a new random token. */
function createConnectLink() {
	return CONNECT_LINK_PREFIX + crypto.randomBytes(16).toString('hex');
}

/**
 * Copies the fields that the LinkedIn accounts list returns, so the sandbox-only `fail`,
 * `faults` and `timezone` fields stay out of the response.
 * @param {SeedAccount} account
 */
function toAccountSummary(account) {
	return {
		id: account.id,
		username: account.username ?? null,
		session_status: account.session_status ?? null,
		full_name: account.full_name ?? null,
		linkedin_url: account.linkedin_url ?? null,
		level: account.level ?? null,
	};
}

/**
 * Handles GET /rest/v2/linkedin_accounts: the LinkedIn accounts of the company named by the
 * x-company-id header, in seed order, optionally filtered by exact `session_status`.
 * NOTE: Woodpecker documents x-company-id for agency keys in general but not for this
 * endpoint. The sandbox assumes that without the header it lists the agency's own accounts,
 * of which the sandbox has none, and that a bad, unknown or inactive company gets 404.
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function listLinkedinAccounts({ state, query, headers }) {
	const company = findHeaderCompany(state, headers);
	if (company === undefined) {
		return notFound(DETAIL_NO_ACTIVE_COMPANY);
	}
	const accounts = company === null ? [] : (company.linkedin_accounts ?? []);

	// An unknown status is no error: it matches no account.
	const status = query.get('status');
	const matching = status === null
		? accounts
		: accounts.filter((account) => account.session_status === status);

	return { status: 200, body: { linkedin_accounts: matching.map(toAccountSummary) } };
}

/**
 * Handles POST /rest/v2/agency/companies/{company_id}/linkedin_accounts: adds an account
 * waiting for connection to the company, if it has a free LinkedIn slot. The route pattern
 * already limits the company id to a positive integer.
 * NOTE: Woodpecker does not document the response fields or the answer when no slot is free.
 * The sandbox assumes `account_id` and `connect_account_link`, as generate-connect-link
 * returns, and a 400 VALIDATION_ERROR for a full company.
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function createLinkedinAccount({ state, params, body }) {
	const company = findActiveCompany(state, params.companyId);
	if (company === undefined) {
		return notFound(DETAIL_NO_ACTIVE_COMPANY);
	}

	let request;
	try {
		request = JSON.parse(body);
	} catch {
		return validationError('Invalid request body.');
	}
	if (!isPlainObject(request) || typeof request.timezone !== 'string' || !TIME_ZONES.has(request.timezone)) {
		return validationError('Invalid timezone.');
	}

	const accounts = (company.linkedin_accounts ??= []);
	if (accounts.length >= company.linkedin_slots) {
		return validationError('No free LinkedIn account slots.');
	}

	/** @type {SeedAccount} */
	const account = {
		id: state.nextAccountId,
		username: null,
		session_status: 'WAITING_FOR_CONNECTION',
		full_name: null,
		linkedin_url: null,
		level: null,
		timezone: request.timezone,
	};
	state.nextAccountId += 1;
	accounts.push(account);

	return { status: 201, body: { account_id: account.id, connect_account_link: createConnectLink() } };
}

/**
 * Handles POST .../companies/{company_id}/linkedin_accounts/{account_id}/generate-connect-link.
 * The route pattern already limits the company id to a positive integer. Each call mints a
 * new token.
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function generateConnectLink({ state, params }) {
	const company = findActiveCompany(state, params.companyId);
	if (company === undefined) {
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
			connect_account_link: createConnectLink(),
		},
	};
}

/**
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function listRecordedRequests({ state }) {
	// Any local process can read this endpoint, so the API key is masked. Tests in the same
	// process read the real value from `sandbox.requests`.
	const body = state.requests.map((request) => {
		const headers = { ...request.headers };
		if (headers['x-api-key'] !== undefined) headers['x-api-key'] = '[redacted]';
		return { ...request, headers };
	});
	return { status: 200, body };
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
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function getStats({ state }) {
	return { status: 200, body: state.stats };
}

/**
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function deleteStats({ state }) {
	resetStats(state);
	return { status: 204 };
}

/**
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function listInjectedFaults({ state }) {
	return { status: 200, body: describeInjectedFaults(state) };
}

/**
 * Handles POST /__sandbox/faults: appends a JSON array of faults to the injected queue. An
 * invalid array is rejected as a whole.
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function addInjectedFaults({ state, body }) {
	let entries;
	try {
		entries = JSON.parse(body);
	} catch (error) {
		return validationError(`Request body is not valid JSON: ${/** @type {Error} */ (error).message}`);
	}
	try {
		state.injectedFaults.push(...parseInjectedFaults(entries, state.accountIds));
	} catch (error) {
		return validationError(/** @type {Error} */ (error).message);
	}
	return { status: 204 };
}

/**
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function clearInjectedFaults({ state }) {
	state.injectedFaults.length = 0;
	return { status: 204 };
}

/**
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function getSettings({ state }) {
	return { status: 200, body: state.settings };
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
		// A company segment that is not a positive integer makes the URL unknown (404).
		method: 'POST',
		pattern: /^\/rest\/v2\/agency\/companies\/(?<companyId>[1-9][0-9]*)\/linkedin_accounts$/,
		requiresKey: true,
		handler: createLinkedinAccount,
	},
	{
		method: 'GET',
		pattern: /^\/rest\/v2\/linkedin_accounts$/,
		requiresKey: true,
		handler: listLinkedinAccounts,
	},
	{
		method: 'POST',
		pattern: /^\/rest\/v1\/webhooks\/subscribe$/,
		requiresKey: true,
		handler: subscribeWebhook,
	},
	{
		method: 'POST',
		pattern: /^\/rest\/v1\/webhooks\/unsubscribe$/,
		requiresKey: true,
		handler: unsubscribeWebhook,
	},
	{
		method: 'GET',
		pattern: /^\/rest\/v2\/webhooks$/,
		requiresKey: true,
		handler: listWebhooks,
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
	{
		method: 'GET',
		pattern: /^\/__sandbox\/stats$/,
		requiresKey: false,
		handler: getStats,
	},
	{
		method: 'DELETE',
		pattern: /^\/__sandbox\/stats$/,
		requiresKey: false,
		handler: deleteStats,
	},
	{
		method: 'GET',
		pattern: /^\/__sandbox\/faults$/,
		requiresKey: false,
		handler: listInjectedFaults,
	},
	{
		method: 'POST',
		pattern: /^\/__sandbox\/faults$/,
		requiresKey: false,
		handler: addInjectedFaults,
	},
	{
		method: 'DELETE',
		pattern: /^\/__sandbox\/faults$/,
		requiresKey: false,
		handler: clearInjectedFaults,
	},
	{
		method: 'GET',
		pattern: /^\/__sandbox\/settings$/,
		requiresKey: false,
		handler: getSettings,
	},
	{
		method: 'GET',
		pattern: /^\/__sandbox\/webhooks$/,
		requiresKey: false,
		handler: listWebhookScopes,
	},
	{
		method: 'POST',
		pattern: /^\/__sandbox\/webhooks\/deliver$/,
		requiresKey: false,
		handler: deliverWebhookRoute,
	},
];

// ---------------------------------------------------------------------------------------------
// Webhooks

const DETAIL_INVALID_WEBHOOK_BODY = 'Request body must be a JSON object with target_url and event.';
const DETAIL_NO_SUBSCRIPTION = 'Subscription not found.';
const DELIVERY_NOT_LOCAL = 'not delivered: the sandbox delivers only to 127.0.0.1';

/**
 * @typedef {object} ScopeId
 * @property {string} apiKey
 * @property {number | null} companyId Null for the agency itself.
 */

/**
 * Builds the key of a scope in `state.webhookScopes`.
 * @param {ScopeId} scope
 */
function scopeKey({ apiKey, companyId }) {
	return JSON.stringify([apiKey, companyId]);
}

/**
 * Returns the subscriptions of a scope, or an empty list that is not stored when the scope has none.
 * @param {SandboxState} state
 * @param {ScopeId} scope
 * @returns {WebhookSubscription[]}
 */
function getScopeSubscriptions(state, scope) {
	return state.webhookScopes.get(scopeKey(scope))?.subscriptions ?? [];
}

/**
 * Appends a subscription to a scope, and creates the scope for its first subscription.
 * @param {Map<string, WebhookScope>} scopes
 * @param {ScopeId} scope
 * @param {WebhookSubscription} subscription
 */
function addSubscription(scopes, scope, subscription) {
	const key = scopeKey(scope);
	let stored = scopes.get(key);
	if (stored === undefined) {
		stored = { apiKey: scope.apiKey, companyId: scope.companyId, subscriptions: [] };
		scopes.set(key, stored);
	}
	stored.subscriptions.push({ target_url: subscription.target_url, event: subscription.event });
}

/**
 * @param {WebhookSubscription} first
 * @param {WebhookSubscription} second
 */
function isSameSubscription(first, second) {
	return first.target_url === second.target_url && first.event === second.event;
}

/**
 * Checks that a value is an absolute http or https URL without whitespace, such as
 * `https://hooks.example/woodpecker`.
 * @param {unknown} value
 */
function isHttpUrl(value) {
	return typeof value === 'string' && /^https?:\/\/\S+$/i.test(value) && URL.canParse(value);
}

/**
 * Checks the fields of a subscription. Returns what is wrong as a sentence, or null when
 * both fields are valid.
 * @param {Record<string, unknown>} fields
 * @returns {string | null}
 */
function describeSubscriptionError(fields) {
	if (fields.target_url === undefined || fields.target_url === null) {
		return 'target_url is required.';
	}
	if (!isHttpUrl(fields.target_url)) {
		return 'target_url must be an absolute http or https URL.';
	}
	if (fields.event === undefined || fields.event === null) {
		return 'event is required.';
	}
	if (typeof fields.event !== 'string' || !WEBHOOK_EVENTS.includes(fields.event)) {
		return `event must be one of ${WEBHOOK_EVENTS.join(', ')}.`;
	}
	return null;
}

/**
 * Parses the body of subscribe and unsubscribe into the subscription, or into the 400
 * response for an invalid body.
 * @param {string} body
 * @returns {{ subscription: WebhookSubscription } | { error: JsonResponse }}
 */
function parseSubscriptionBody(body) {
	let request;
	try {
		request = JSON.parse(body);
	} catch {
		return { error: problemError(400, DETAIL_INVALID_WEBHOOK_BODY) };
	}
	if (!isPlainObject(request)) {
		return { error: problemError(400, DETAIL_INVALID_WEBHOOK_BODY) };
	}
	const message = describeSubscriptionError(request);
	if (message !== null) {
		return { error: problemError(400, message) };
	}
	return { subscription: { target_url: request.target_url, event: request.event } };
}

/**
 * Finds the scope of a webhook request: its API key, and the company of its x-company-id
 * header or none. Returns undefined when the header names no active company.
 * @param {RouteContext} context
 * @returns {ScopeId | undefined}
 */
function findRequestScope({ state, headers }) {
	const company = findHeaderCompany(state, headers);
	if (company === undefined) {
		return undefined;
	}
	// Webhook routes require a valid key, so the header is a single string here.
	return { apiKey: String(headers['x-api-key']), companyId: company === null ? null : company.id };
}

/**
 * Reads the scope and the subscription of a subscribe or unsubscribe request, or the error
 * response for an unknown company or an invalid body.
 * @param {RouteContext} context
 */
function readSubscriptionRequest(context) {
	const scope = findRequestScope(context);
	if (scope === undefined) {
		return { error: notFound(DETAIL_NO_ACTIVE_COMPANY) };
	}
	const parsed = parseSubscriptionBody(context.body);
	if ('error' in parsed) {
		return { error: parsed.error };
	}
	return { scope, subscription: parsed.subscription };
}

/**
 * Handles POST /rest/v1/webhooks/subscribe: subscribes a target URL to an event in the
 * caller's scope.
 * NOTE: Woodpecker documents only the 200 response and the limit of 3 subscriptions per
 * event. The sandbox assumes the errors: 400 for an invalid body and 409 for a repeated
 * subscription or a full event, in the `{title, status, detail, timestamp}` shape.
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function subscribeWebhook(context) {
	const request = readSubscriptionRequest(context);
	if ('error' in request) {
		return request.error;
	}
	const { scope, subscription } = request;

	const subscriptions = getScopeSubscriptions(context.state, scope);
	if (subscriptions.some((existing) => isSameSubscription(existing, subscription))) {
		return problemError(409, 'This target_url is already subscribed to this event.');
	}
	const sameEvent = subscriptions.filter((existing) => existing.event === subscription.event);
	if (sameEvent.length >= MAX_SUBSCRIPTIONS_PER_EVENT) {
		return problemError(409, `Subscription limit reached: an event may have at most ${MAX_SUBSCRIPTIONS_PER_EVENT} `
			+ 'subscriptions, each with a different target_url.');
	}

	addSubscription(context.state.webhookScopes, scope, subscription);
	return { status: 200, body: { ...subscription, message: 'Subscribed.' } };
}

/**
 * Handles POST /rest/v1/webhooks/unsubscribe: removes one exact target URL and event pair
 * from the caller's scope, and the scope itself once it has no subscriptions left.
 * NOTE: Woodpecker does not document the response for a pair that is not subscribed. The
 * sandbox assumes 404 in the `{title, status, detail, timestamp}` shape.
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function unsubscribeWebhook(context) {
	const request = readSubscriptionRequest(context);
	if ('error' in request) {
		return request.error;
	}
	const { scope, subscription } = request;

	const key = scopeKey(scope);
	const subscriptions = getScopeSubscriptions(context.state, scope);
	const index = subscriptions.findIndex((existing) => isSameSubscription(existing, subscription));
	if (index === -1) {
		return notFound(DETAIL_NO_SUBSCRIPTION);
	}
	subscriptions.splice(index, 1);
	if (subscriptions.length === 0) {
		context.state.webhookScopes.delete(key);
	}
	return { status: 200 };
}

/**
 * Handles GET /rest/v2/webhooks: the caller's subscriptions in subscription order.
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function listWebhooks(context) {
	const scope = findRequestScope(context);
	if (scope === undefined) {
		return notFound(DETAIL_NO_ACTIVE_COMPANY);
	}
	const webhooks = getScopeSubscriptions(context.state, scope).map(({ target_url, event }) => ({ target_url, event }));
	return { status: 200, body: { webhooks } };
}

/**
 * Copies every scope with its subscriptions, in the order of each scope's first subscription.
 * @param {SandboxState} state
 * @returns {Array<{ apiKey: string, companyId: number | null, webhooks: WebhookSubscription[] }>}
 */
function describeWebhookScopes(state) {
	return [...state.webhookScopes.values()].map((scope) => ({
		apiKey: scope.apiKey,
		companyId: scope.companyId,
		webhooks: scope.subscriptions.map(({ target_url, event }) => ({ target_url, event })),
	}));
}

/**
 * Finds a LinkedIn account, seeded or created, and its company, active or not.
 * @param {SandboxState} state
 * @param {unknown} accountId
 * @returns {{ company: SeedCompany, account: SeedAccount } | undefined}
 */
function findAccountAndCompany(state, accountId) {
	for (const company of state.companies) {
		const account = (company.linkedin_accounts ?? []).find((candidate) => candidate.id === accountId);
		if (account !== undefined) {
			return { company, account };
		}
	}
	return undefined;
}

/**
 * Lists the target URLs subscribed to an event of a company's account: those of the company's
 * scope under every API key, then those of the agency scope of every key, each in
 * subscription order. A URL subscribed in two scopes is listed twice.
 * NOTE: Woodpecker does not document whether a subscription made without x-company-id gets
 * the events of client companies. The sandbox assumes it does, and treats every API key as a
 * key of the one agency that owns all companies.
 * @param {SandboxState} state
 * @param {string} event
 * @param {number} companyId
 * @returns {string[]}
 */
function findEventTargets(state, event, companyId) {
	const scopes = [...state.webhookScopes.values()];
	return [
		...scopes.filter((scope) => scope.companyId === companyId),
		...scopes.filter((scope) => scope.companyId === null),
	].flatMap((scope) => scope.subscriptions
		.filter((subscription) => subscription.event === event)
		.map((subscription) => subscription.target_url));
}

/**
 * Builds Woodpecker's documented webhook payload, an array with one event.
 * @param {string} event
 * @param {SeedAccount} account With its session status already updated.
 * @param {number} companyId
 */
function buildEventPayload(event, account, companyId) {
	const connected = event === 'linkedin_automation_account_connected';
	return [{
		method: event,
		linkedin_account: {
			id: account.id,
			session_status: account.session_status ?? null,
			full_name: account.full_name ?? null,
			linkedin_url: account.linkedin_url ?? null,
			level: connected ? (account.level ?? null) : null,
		},
		timestamp: new Date().toISOString(),
		firm_id: companyId,
	}];
}

/**
 * POSTs a JSON payload to one target and resolves with the target's status, or with the
 * reason why none arrived. It never rejects. Only targets on 127.0.0.1 or localhost are
 * contacted, and both are reached at 127.0.0.1 with the target's Host header, so no name
 * lookup happens.
 * @param {SandboxState} state
 * @param {string} targetUrl
 * @param {string} payload
 * @param {number} timeoutMs Limit for the whole exchange, from connect to the response's end.
 * @returns {Promise<DeliveryResult>}
 */
function postToTarget(state, targetUrl, payload, timeoutMs) {
	const url = new URL(targetUrl);
	if (!LOCAL_TARGET_HOSTNAMES.includes(url.hostname)) {
		return Promise.resolve({ target_url: targetUrl, error: DELIVERY_NOT_LOCAL });
	}

	const timeout = AbortSignal.timeout(timeoutMs);
	const isHttps = url.protocol === 'https:';
	return new Promise((resolve) => {
		/** @param {Error} error */
		const fail = (error) => {
			let reason = error.message;
			if (timeout.aborted) {
				reason = `timed out after ${timeoutMs} ms`;
			} else if (state.closing.signal.aborted) {
				reason = 'the sandbox closed before the target responded';
			}
			resolve({ target_url: targetUrl, error: reason });
		};

		const request = (isHttps ? https : http).request({
			host: HOST,
			port: url.port === '' ? undefined : Number(url.port),
			path: url.pathname + url.search,
			method: 'POST',
			headers: {
				Host: url.host,
				'Content-Type': 'application/json',
				'Content-Length': String(Buffer.byteLength(payload)),
			},
			// TLS checks the certificate against `localhost`, or against 127.0.0.1 when unset.
			...(isHttps && url.hostname === 'localhost' ? { servername: 'localhost' } : {}),
			// A new connection for each delivery, so no pooled socket outlives it.
			agent: false,
			signal: AbortSignal.any([timeout, state.closing.signal]),
		}, (response) => {
			response.on('error', fail);
			response.on('close', () => {
				if (!response.complete) {
					fail(new Error('the target closed the connection before its response ended'));
				}
			});
			response.on('end', () => resolve({ target_url: targetUrl, status: /** @type {number} */ (response.statusCode) }));
			// The body is read and dropped, so the exchange can end.
			response.resume();
		});
		request.on('error', fail);
		request.end(payload);
	});
}

/**
 * Sets the account's session status for the event, POSTs the event to every subscribed target
 * at once, and records each result in `state.deliveries` once all targets have finished.
 * @param {SandboxState} state
 * @param {string} event One of WEBHOOK_EVENTS.
 * @param {{ company: SeedCompany, account: SeedAccount }} found
 * @param {number} timeoutMs
 * @returns {Promise<DeliveryResult[]>} One result per target, in the order of findEventTargets.
 */
async function deliverWebhookEvent(state, event, { company, account }, timeoutMs) {
	account.session_status = event === 'linkedin_automation_account_connected' ? 'CONNECTED' : 'DISCONNECTED';
	const payload = JSON.stringify(buildEventPayload(event, account, company.id));

	const targets = findEventTargets(state, event, company.id);
	const outcomes = await Promise.all(targets.map(async (targetUrl) => {
		const result = await postToTarget(state, targetUrl, payload, timeoutMs);
		return { result, at: new Date().toISOString() };
	}));
	for (const { result, at } of outcomes) {
		state.deliveries.push({ event, accountId: account.id, ...result, at });
	}
	return outcomes.map(({ result }) => result);
}

/**
 * Handles GET /__sandbox/webhooks: every scope's subscriptions.
 * @param {RouteContext} context
 * @returns {JsonResponse}
 */
function listWebhookScopes({ state }) {
	// Any local process can read this endpoint, so the API key is masked as in /__sandbox/requests.
	const body = describeWebhookScopes(state).map((scope) => ({ ...scope, apiKey: '[redacted]' }));
	return { status: 200, body };
}

/**
 * Handles POST /__sandbox/webhooks/deliver: delivers `{"event", "account_id"}` as
 * sandbox.deliverEvent does, and returns the results.
 * @param {RouteContext} context
 * @returns {Promise<JsonResponse>}
 */
async function deliverWebhookRoute({ state, body }) {
	let request;
	try {
		request = JSON.parse(body);
	} catch (error) {
		return validationError(`Request body is not valid JSON: ${/** @type {Error} */ (error).message}`);
	}
	if (!isPlainObject(request)) {
		return validationError('Request body must be a JSON object with event and account_id.');
	}
	if (typeof request.event !== 'string' || !WEBHOOK_EVENTS.includes(request.event)) {
		return validationError(`event must be one of ${WEBHOOK_EVENTS.join(', ')}, got ${JSON.stringify(request.event)}`);
	}
	if (!isPositiveInteger(request.account_id)) {
		return validationError(`account_id must be a positive integer, got ${JSON.stringify(request.account_id)}`);
	}
	const found = findAccountAndCompany(state, request.account_id);
	if (found === undefined) {
		return notFound(`LinkedIn account ${request.account_id} not found.`);
	}
	return { status: 200, body: await deliverWebhookEvent(state, request.event, found, DEFAULT_DELIVERY_TIMEOUT_MS) };
}

// ---------------------------------------------------------------------------------------------
// Concurrency and statistics

/** @returns {SandboxStats} */
function createStats() {
	return { received: 0, answered: {}, rejectedByConcurrency: 0, faults: {}, maxInProgress: 0, maxQueued: 0, maxOpen: 0 };
}

/**
 * Zeroes the counters. The two maxima restart from the current in-progress and queued counts,
 * so requests still running are not lost from them.
 * @param {SandboxState} state
 */
function resetStats(state) {
	state.stats = createStats();
	state.stats.maxOpen = state.openRequests;
	for (const gate of state.gates.values()) {
		state.stats.maxInProgress = Math.max(state.stats.maxInProgress, gate.inProgress);
		state.stats.maxQueued = Math.max(state.stats.maxQueued, gate.waiting.length);
	}
}

/**
 * @param {Record<string, number>} counters
 * @param {string | number} name
 */
function increment(counters, name) {
	counters[name] = (counters[name] ?? 0) + 1;
}

/**
 * @param {SandboxState} state
 * @param {string} apiKey
 */
function getGate(state, apiKey) {
	let gate = state.gates.get(apiKey);
	if (gate === undefined) {
		gate = { inProgress: 0, waiting: [] };
		state.gates.set(apiKey, gate);
	}
	return gate;
}

/**
 * @param {SandboxState} state
 * @param {KeyGate} gate
 */
function startInProgress(state, gate) {
	gate.inProgress += 1;
	state.stats.maxInProgress = Math.max(state.stats.maxInProgress, gate.inProgress);
}

/**
 * Waits until the request may start its service time under the key's concurrency rule.
 * Resolves true when admitted, and false when rejected at once or after the queue wait ran
 * out. Rejects with an AbortError when the sandbox closes. Every admitted request must call
 * releaseSlot.
 * @param {SandboxState} state
 * @param {string} apiKey
 * @returns {Promise<boolean>}
 */
function acquireSlot(state, apiKey) {
	const gate = getGate(state, apiKey);
	const { concurrency } = state.settings;

	if (!concurrency.enabled || (gate.inProgress === 0 && gate.waiting.length === 0)) {
		startInProgress(state, gate);
		return Promise.resolve(true);
	}
	if (gate.waiting.length >= concurrency.maxQueued) {
		return Promise.resolve(false);
	}

	// NOTE: A queued request keeps its place even when its client disconnects, because the
	// sandbox only notices that when it writes the response. How Woodpecker handles this is
	// not documented.
	return new Promise((resolve, reject) => {
		const waiter = {
			admit: () => resolve(true),
			reject,
			timer: setTimeout(() => {
				gate.waiting.splice(gate.waiting.indexOf(waiter), 1);
				resolve(false);
			}, concurrency.maxQueueWaitMs),
		};
		gate.waiting.push(waiter);
		state.stats.maxQueued = Math.max(state.stats.maxQueued, gate.waiting.length);
	});
}

/**
 * Ends a request's service time and admits the next queued request of the same key.
 * @param {SandboxState} state
 * @param {string} apiKey
 */
function releaseSlot(state, apiKey) {
	const gate = getGate(state, apiKey);
	gate.inProgress -= 1;
	const next = gate.waiting.shift();
	if (next !== undefined) {
		clearTimeout(next.timer);
		startInProgress(state, gate);
		next.admit();
	}
}

/**
 * Rejects every queued request with an AbortError, so no queue timer outlives close().
 * @param {SandboxState} state
 */
function abortQueuedRequests(state) {
	for (const gate of state.gates.values()) {
		for (const waiter of gate.waiting.splice(0)) {
			clearTimeout(waiter.timer);
			waiter.reject(new DOMException('The sandbox closed.', 'AbortError'));
		}
	}
}

/**
 * Draws one request's service time in milliseconds.
 * @param {ServiceTime} serviceTime
 */
function drawServiceTime(serviceTime) {
	if (typeof serviceTime === 'number') {
		return serviceTime;
	}
	return serviceTime.min + Math.random() * (serviceTime.max - serviceTime.min);
}

/**
 * Waits `ms` milliseconds, or not at all when `ms` is 0. Rejects with an AbortError when the
 * sandbox closes.
 * @param {SandboxState} state
 * @param {number} ms
 */
async function pause(state, ms) {
	if (ms > 0) {
		await sleep(ms, undefined, { signal: state.closing.signal });
	}
}

// ---------------------------------------------------------------------------------------------
// Request handling

/**
 * Sends a response. A body gets a Content-Length header, and an undefined body sends none.
 * @param {http.ServerResponse} res
 * @param {HttpResponse} response
 */
function sendResponse(res, { status, headers = {}, body }) {
	if (body === undefined) {
		res.writeHead(status, headers);
		res.end();
		return;
	}
	res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
	res.end(body);
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
 * Finds the route for a method and path.
 * @param {string} method
 * @param {string} pathname
 * @returns {{ route: Route, params: Record<string, string> } | undefined}
 */
function findRoute(method, pathname) {
	for (const route of ROUTES) {
		if (route.method !== method) {
			continue;
		}
		const match = route.pattern.exec(pathname);
		if (match !== null) {
			return { route, params: { ...match.groups } };
		}
	}
	return undefined;
}

/**
 * Runs a route handler. An exception becomes the API's 500 response.
 * @param {Route} route
 * @param {RouteContext} context
 * @param {string} description Method and path for the error log.
 * @returns {Promise<JsonResponse>}
 */
async function runHandler(route, context, description) {
	try {
		return await route.handler(context);
	} catch (error) {
		// The path is safe to log: the routes carry ids only, never a key or a token.
		console.error(`Woodpecker sandbox: ${description} failed with an unexpected error, responding with 500:`, error);
		return internalError();
	}
}

/**
 * @typedef {object} ApiRequest
 * @property {string} method
 * @property {string} pathname
 * @property {URLSearchParams} query
 * @property {http.IncomingHttpHeaders} headers
 * @property {string} body
 * @property {RecordedRequest} record Updated with the fault that the request gets.
 */

/**
 * Decides the outcome of an API request once it has reached the server: route, key check,
 * concurrency queue, fault or normal handler, and service time.
 * @param {SandboxState} state
 * @param {ApiRequest} request
 * @returns {Promise<Outcome>}
 */
async function decideOutcome(state, request) {
	const found = findRoute(request.method, request.pathname);
	if (found === undefined) {
		return toHttpResponse(notFound(DETAIL_NO_RESOURCE));
	}
	const { route, params } = found;
	const apiKey = request.headers['x-api-key'];
	if (route.requiresKey && !(typeof apiKey === 'string' && state.apiKeys.has(apiKey))) {
		return toHttpResponse(unauthorized());
	}

	// Every API route requires a key, so the key names the concurrency gate.
	const gateKey = typeof apiKey === 'string' ? apiKey : '';
	if (!(await acquireSlot(state, gateKey))) {
		state.stats.rejectedByConcurrency += 1;
		return toHttpResponse(tooManyRequests(state.settings.concurrency.rejectStatus));
	}

	try {
		const fault = takeFault(state, params);
		let extraMs = 0;
		if (fault !== null) {
			request.record.fault = fault.fault;
			increment(state.stats.faults, fault.fault);
			extraMs = FAULTS[fault.fault].extraServiceMs?.(fault) ?? 0;
		}
		await pause(state, drawServiceTime(state.settings.serviceTimeMs) + extraMs);

		const respond = fault === null ? null : FAULTS[fault.fault].respond;
		if (fault !== null && respond !== null) {
			return respond(fault, { params, headers: request.headers });
		}
		const context = { state, params, query: request.query, headers: request.headers, body: request.body };
		return toHttpResponse(await runHandler(route, context, `${request.method} ${request.pathname}`));
	} finally {
		releaseSlot(state, gateKey);
	}
}

/**
 * Carries out an outcome and records the status sent.
 * @param {SandboxState} state
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {RecordedRequest} record
 * @param {Outcome} outcome
 */
function deliver(state, req, res, record, outcome) {
	if (outcome === 'reset') {
		req.socket.destroy();
		return;
	}
	if (outcome === 'hang') {
		// The socket stays open until the client gives up or close() destroys it.
		return;
	}
	record.status = outcome.status;
	increment(state.stats.answered, outcome.status);
	sendResponse(res, outcome);
}

/**
 * Records an API request (control requests under /__sandbox/ are not recorded), decides its
 * outcome, and carries it out after the simulated network delay. Control requests get their
 * response at once, with no delay, queue or fault.
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

		if (pathname.startsWith(CONTROL_PATH_PREFIX)) {
			const found = findRoute(method, pathname);
			const response = found === undefined
				? notFound(DETAIL_NO_RESOURCE)
				: await runHandler(found.route, { state, params: found.params, query, headers: req.headers, body }, `${method} ${pathname}`);
			sendResponse(res, toHttpResponse(response));
			return;
		}

		/** @type {RecordedRequest} */
		const record = {
			method,
			path: pathname,
			query: queryToObject(query),
			headers: { ...req.headers },
			body,
			receivedAt,
			fault: null,
			status: null,
		};
		state.requests.push(record);
		state.stats.received += 1;
		state.openRequests += 1;
		state.stats.maxOpen = Math.max(state.stats.maxOpen, state.openRequests);
		res.once('close', () => {
			state.openRequests -= 1;
		});

		// Half of the round trip passes before the request reaches the queue, and the other
		// half after it has left, so the request is not in progress during the second half.
		const halfDelayMs = state.settings.networkDelayMs / 2;
		await pause(state, halfDelayMs);
		const outcome = await decideOutcome(state, { method, pathname, query, headers: req.headers, body, record });
		await pause(state, halfDelayMs);
		deliver(state, req, res, record, outcome);
	} catch (error) {
		if (state.closing.signal.aborted) {
			// close() cancelled the delays and destroyed the socket, so there is no one to respond to.
			return;
		}
		console.error(`Woodpecker sandbox: ${method} ${pathname} failed with an unexpected error, responding with 500:`, error);
		if (!res.headersSent) {
			sendResponse(res, toHttpResponse(internalError()));
		} else {
			res.destroy();
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Settings

/** @param {unknown} value */
function isNonNegativeNumber(value) {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Throws unless `value` is a plain object whose keys are all in `allowed`.
 * @param {unknown} value
 * @param {string} label
 * @param {string[]} allowed
 * @returns {asserts value is Record<string, unknown>}
 */
function requireObjectWithKeys(value, label, allowed) {
	if (!isPlainObject(value)) {
		throw new Error(`${label} must be an object, got ${JSON.stringify(value)}`);
	}
	for (const key of Object.keys(/** @type {object} */ (value))) {
		if (!allowed.includes(key)) {
			throw new Error(`${label}.${key} is not a known setting. Known settings: ${allowed.join(', ')}`);
		}
	}
}

/**
 * Validates a partial concurrency setting and returns only the fields it sets.
 * @param {unknown} value
 * @param {string} label
 * @returns {Partial<ConcurrencySettings>}
 */
function normalizeConcurrency(value, label) {
	requireObjectWithKeys(value, label, Object.keys(DEFAULT_CONCURRENCY));
	/** @type {Partial<ConcurrencySettings>} */
	const result = {};
	if (value.enabled !== undefined) {
		if (typeof value.enabled !== 'boolean') {
			throw new Error(`${label}.enabled must be true or false, got ${JSON.stringify(value.enabled)}`);
		}
		result.enabled = value.enabled;
	}
	for (const field of /** @type {const} */ (['maxQueued', 'maxQueueWaitMs'])) {
		if (value[field] !== undefined) {
			if (!isNonNegativeInteger(value[field])) {
				throw new Error(`${label}.${field} must be a non-negative integer, got ${JSON.stringify(value[field])}`);
			}
			result[field] = /** @type {number} */ (value[field]);
		}
	}
	if (value.rejectStatus !== undefined) {
		const status = value.rejectStatus;
		if (!Number.isInteger(status) || /** @type {number} */ (status) < 400 || /** @type {number} */ (status) > 599) {
			throw new Error(`${label}.rejectStatus must be an HTTP error status from 400 to 599, got ${JSON.stringify(status)}`);
		}
		result.rejectStatus = /** @type {number} */ (status);
	}
	return result;
}

/**
 * @param {unknown} value
 * @param {string} label
 * @returns {ServiceTime}
 */
function normalizeServiceTime(value, label) {
	if (typeof value === 'number') {
		if (!isNonNegativeNumber(value)) {
			throw new Error(`${label} must be a non-negative number of milliseconds, got ${JSON.stringify(value)}`);
		}
		return value;
	}
	requireObjectWithKeys(value, label, ['min', 'max']);
	const { min, max } = value;
	if (!isNonNegativeNumber(min) || !isNonNegativeNumber(max) || /** @type {number} */ (min) > /** @type {number} */ (max)) {
		throw new Error(`${label} must be a number or { min, max } with 0 <= min <= max, got ${JSON.stringify(value)}`);
	}
	return { min: /** @type {number} */ (min), max: /** @type {number} */ (max) };
}

/**
 * @param {unknown} value
 * @param {string} label
 * @returns {RandomFaultSettings | null}
 */
function normalizeRandomFaults(value, label) {
	if (value === null) {
		return null;
	}
	requireObjectWithKeys(value, label, ['rate', 'faults', 'seed']);
	const { rate, faults, seed = DEFAULT_RANDOM_SEED } = value;
	if (!isNonNegativeNumber(rate) || /** @type {number} */ (rate) > 1) {
		throw new Error(`${label}.rate must be a number from 0 to 1, got ${JSON.stringify(rate)}`);
	}
	if (!Array.isArray(faults) || faults.length === 0) {
		throw new Error(`${label}.faults must be a non-empty array of faults, got ${JSON.stringify(faults)}`);
	}
	if (!isNonNegativeInteger(seed) || /** @type {number} */ (seed) > 0xffffffff) {
		throw new Error(`${label}.seed must be an integer from 0 to 4294967295, got ${JSON.stringify(seed)}`);
	}
	return {
		rate: /** @type {number} */ (rate),
		faults: faults.map((fault, index) => normalizeFaultSpec(fault, `${label}.faults[${index}]`)),
		seed: /** @type {number} */ (seed),
	};
}

/**
 * Validates behaviour settings and returns only those that are set. Error messages name the
 * setting with `prefix` in front, such as `settings.` for a seed.
 * @param {Record<string, unknown>} input
 * @param {string} prefix
 * @returns {Partial<Omit<SandboxSettings, 'concurrency'>> & { concurrency?: Partial<ConcurrencySettings> }}
 */
function normalizeSettings(input, prefix) {
	/** @type {Partial<Omit<SandboxSettings, 'concurrency'>> & { concurrency?: Partial<ConcurrencySettings> }} */
	const result = {};
	if (input.concurrency !== undefined) {
		result.concurrency = normalizeConcurrency(input.concurrency, `${prefix}concurrency`);
	}
	if (input.serviceTimeMs !== undefined) {
		result.serviceTimeMs = normalizeServiceTime(input.serviceTimeMs, `${prefix}serviceTimeMs`);
	}
	if (input.networkDelayMs !== undefined) {
		if (!isNonNegativeNumber(input.networkDelayMs)) {
			throw new Error(`${prefix}networkDelayMs must be a non-negative number of milliseconds, `
				+ `got ${JSON.stringify(input.networkDelayMs)}`);
		}
		result.networkDelayMs = /** @type {number} */ (input.networkDelayMs);
	}
	if (input.randomFaults !== undefined) {
		result.randomFaults = normalizeRandomFaults(input.randomFaults, `${prefix}randomFaults`);
	}
	return result;
}

/** Names of the settings that a seed's `settings` object may contain. */
const SETTING_NAMES = ['concurrency', 'serviceTimeMs', 'networkDelayMs', 'randomFaults'];

/**
 * Combines defaults, a seed's settings and startSandbox options, in rising precedence.
 * `concurrency` is merged field by field, and the other settings replace each other whole.
 * @param {SettingsInput | undefined} seedSettings Already validated by loadSeed.
 * @param {SettingsInput} options
 * @returns {SandboxSettings}
 */
function resolveSettings(seedSettings, options) {
	const fromSeed = normalizeSettings(/** @type {Record<string, unknown>} */ (seedSettings ?? {}), 'settings.');
	let fromOptions;
	try {
		fromOptions = normalizeSettings(/** @type {Record<string, unknown>} */ (options), '');
	} catch (error) {
		throw new Error(`Invalid sandbox option: ${/** @type {Error} */ (error).message}`);
	}
	return {
		concurrency: { ...DEFAULT_CONCURRENCY, ...fromSeed.concurrency, ...fromOptions.concurrency },
		serviceTimeMs: fromOptions.serviceTimeMs ?? fromSeed.serviceTimeMs ?? 0,
		networkDelayMs: fromOptions.networkDelayMs ?? fromSeed.networkDelayMs ?? 0,
		randomFaults: fromOptions.randomFaults !== undefined ? fromOptions.randomFaults : (fromSeed.randomFaults ?? null),
	};
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

/**
 * Runs a validator that throws a plain message and rethrows its error as a seed error.
 * @param {() => unknown} validate
 * @param {string} source
 */
function checkSeedPart(validate, source) {
	try {
		validate();
	} catch (error) {
		requireSeed(false, source, /** @type {Error} */ (error).message);
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
	for (const field of ACCOUNT_TEXT_FIELDS) {
		const value = account[field];
		requireSeed(value === undefined || value === null || typeof value === 'string', source,
			`${where}.${field} must be a string or null when present, got ${JSON.stringify(value)}`);
	}
	requireSeed(account.fail === undefined || typeof account.fail === 'boolean', source,
		`${where}.fail must be true or false when present, got ${JSON.stringify(account.fail)}`);
	if (account.faults !== undefined) {
		requireSeed(Array.isArray(account.faults), source,
			`${where}.faults must be an array of faults when present, got ${JSON.stringify(account.faults)}`);
		account.faults.forEach((/** @type {unknown} */ fault, /** @type {number} */ index) => {
			checkSeedPart(() => normalizeFaultSpec(fault, `${where}.faults[${index}]`), source);
		});
	}
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
	if (company.webhooks !== undefined) {
		validateSeedWebhooks(company.webhooks, `${where}.webhooks`, source);
	}
}

/**
 * Validates the webhook subscriptions of one scope of a seed: each entry as subscribe checks
 * its body, no pair twice, and at most MAX_SUBSCRIPTIONS_PER_EVENT per event.
 * @param {unknown} webhooks
 * @param {string} where Location for error messages, such as `companies[0].webhooks`.
 * @param {string} source
 */
function validateSeedWebhooks(webhooks, where, source) {
	requireSeed(Array.isArray(webhooks), source,
		`${where} must be an array of subscriptions when present, got ${JSON.stringify(webhooks)}`);
	webhooks.forEach((/** @type {any} */ entry, /** @type {number} */ index) => {
		const label = `${where}[${index}]`;
		requireSeed(isPlainObject(entry), source,
			`${label} must be an object with target_url and event, got ${JSON.stringify(entry)}`);
		const message = describeSubscriptionError(entry);
		requireSeed(message === null, source, `${label}: ${message} Got ${JSON.stringify(entry)}`);

		const earlier = webhooks.slice(0, index);
		requireSeed(!earlier.some((other) => isSameSubscription(other, entry)), source,
			`${label} repeats an earlier subscription: ${JSON.stringify(entry)}`);
		const sameEvent = earlier.filter((other) => other.event === entry.event);
		requireSeed(sameEvent.length < MAX_SUBSCRIPTIONS_PER_EVENT, source,
			`${label} exceeds the limit of ${MAX_SUBSCRIPTIONS_PER_EVENT} subscriptions to ${entry.event}`);
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

	if (seed.webhooks !== undefined) {
		validateSeedWebhooks(seed.webhooks, 'webhooks', source);
	}
	const hasWebhooks = [seed, ...seed.companies].some((owner) => (owner.webhooks ?? []).length > 0);
	requireSeed(!hasWebhooks || seed.apiKeys.length > 0, source,
		'webhooks belong to the first API key, so a seed with webhooks needs at least one entry in apiKeys');

	if (seed.settings !== undefined) {
		checkSeedPart(() => {
			requireObjectWithKeys(seed.settings, 'settings', SETTING_NAMES);
			normalizeSettings(seed.settings, 'settings.');
		}, source);
	}
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

/**
 * Returns the largest account id of the companies, or 0 when they have no accounts.
 * @param {SeedCompany[]} companies
 */
function findMaxAccountId(companies) {
	let max = 0;
	for (const company of companies) {
		for (const account of company.linkedin_accounts ?? []) {
			max = Math.max(max, account.id);
		}
	}
	return max;
}

/**
 * Builds the webhook scopes of a seed, all under its first API key: the agency scope from the
 * top-level `webhooks`, then each company's scope in seed order.
 * @param {Seed} seed
 * @returns {Map<string, WebhookScope>}
 */
function collectSeedWebhooks(seed) {
	/** @type {Map<string, WebhookScope>} */
	const scopes = new Map();
	const [apiKey] = seed.apiKeys;
	for (const subscription of seed.webhooks ?? []) {
		addSubscription(scopes, { apiKey, companyId: null }, subscription);
	}
	for (const company of seed.companies) {
		for (const subscription of company.webhooks ?? []) {
			addSubscription(scopes, { apiKey, companyId: company.id }, subscription);
		}
	}
	return scopes;
}

/**
 * Builds the seeded fault queues by account id. The seed's own arrays stay unchanged.
 * @param {SeedCompany[]} companies
 * @returns {Map<string, FaultSpec[]>}
 */
function collectAccountFaults(companies) {
	/** @type {Map<string, FaultSpec[]>} */
	const queues = new Map();
	for (const company of companies) {
		for (const account of company.linkedin_accounts ?? []) {
			if (account.faults !== undefined && account.faults.length > 0) {
				const where = `account ${account.id}`;
				queues.set(String(account.id), account.faults.map((fault, index) => normalizeFaultSpec(fault, `${where} faults[${index}]`)));
			}
		}
	}
	return queues;
}

// ---------------------------------------------------------------------------------------------
// Server

/**
 * @typedef {object} SandboxOptions
 * @property {Seed | string} [seed] Seed object or JSON file path. Defaults to seed.json next to this file.
 * @property {number} [port] TCP port on 127.0.0.1. Defaults to 0, which lets the OS pick a free port.
 * @property {number} [companiesPageSize] Companies per page of the list endpoint. Defaults to 50.
 * @property {Partial<ConcurrencySettings>} [concurrency] Woodpecker's per-key concurrency rule,
 *   off by default. Defaults: `{ enabled: false, maxQueued: 6, maxQueueWaitMs: 15000,
 *   rejectStatus: 429 }`.
 * @property {ServiceTime} [serviceTimeMs] How long an admitted request stays in progress
 *   before its response. Defaults to 0.
 * @property {number} [networkDelayMs] Simulated round trip in milliseconds. Half passes before
 *   a request reaches the queue and half after it leaves. Defaults to 0.
 * @property {RandomFaultInput | null} [randomFaults] Seeded random faults. Off by default.
 */

/**
 * @typedef {object} Sandbox
 * @property {string} url Base URL, `http://127.0.0.1:<port>`.
 * @property {number} port
 * @property {http.Server} server The listening Node server.
 * @property {RecordedRequest[]} requests Recorded API requests, oldest first. The array is
 *   emptied in place by clearRequests, so a held reference stays current.
 * @property {() => void} clearRequests
 * @property {SandboxStats} stats A snapshot of the counters, taken on each read.
 * @property {() => void} resetStats
 * @property {SandboxSettings} settings A copy of the effective settings.
 * @property {(faults: InjectedFaultInput[]) => void} injectFaults Appends faults to the
 *   injected queue. Throws an error naming the first invalid entry, and then adds none.
 * @property {() => void} clearFaults Empties the injected queue. Seeded account faults stay.
 * @property {() => InjectedFaultSpec[]} pendingFaults Injected faults not yet taken, with
 *   `times` set to the requests left.
 * @property {(request: DeliverEventRequest) => Promise<DeliveryResult[]>} deliverEvent Sets
 *   the account's session status for the event and POSTs the event to every target
 *   subscribed to it in the scopes of the account's company and of the agency. Resolves with
 *   one result per target, and rejects only for an invalid request.
 * @property {DeliveryRecord[]} deliveries Results of every delivery, oldest first.
 * @property {() => Array<{ apiKey: string, companyId: number | null, webhooks: WebhookSubscription[] }>} subscriptions
 *   A copy of every scope's subscriptions, with the API key unmasked.
 * @property {() => Promise<void>} close Stops the server, cancels queued and delayed requests
 *   and drops open connections, including hung ones. Calling it again returns the same promise.
 */

/**
 * @typedef {object} DeliverEventRequest
 * @property {string} event One of WEBHOOK_EVENTS.
 * @property {number} accountId Id of a seeded or created LinkedIn account, in any company.
 * @property {number} [timeoutMs] Limit for each target, from connect to the response's end.
 *   Defaults to 10000.
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
		...settingsInput
	} = options;
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new Error(`Invalid port ${JSON.stringify(port)}: expected an integer from 0 to 65535.`);
	}
	if (!isPositiveInteger(companiesPageSize)) {
		throw new Error(`Invalid companiesPageSize ${JSON.stringify(companiesPageSize)}: expected a positive integer.`);
	}

	for (const name of Object.keys(settingsInput)) {
		if (!SETTING_NAMES.includes(name)) {
			throw new Error(`Invalid sandbox option ${JSON.stringify(name)}: expected one of seed, port, `
				+ `companiesPageSize, ${SETTING_NAMES.join(', ')}.`);
		}
	}

	const validSeed = loadSeed(seed);
	const settings = resolveSettings(validSeed.settings, settingsInput);
	/** @type {SandboxState} */
	const state = {
		apiKeys: new Set(validSeed.apiKeys),
		companies: validSeed.companies,
		companiesPageSize,
		requests: [],
		settings,
		accountFaults: collectAccountFaults(validSeed.companies),
		accountIds: new Set(validSeed.companies.flatMap((company) => (company.linkedin_accounts ?? []).map((account) => String(account.id)))),
		nextAccountId: findMaxAccountId(validSeed.companies) + 1,
		injectedFaults: [],
		nextRandom: settings.randomFaults === null ? null : createRandomGenerator(settings.randomFaults.seed),
		gates: new Map(),
		stats: createStats(),
		openRequests: 0,
		webhookScopes: collectSeedWebhooks(validSeed),
		deliveries: [],
		closing: new AbortController(),
	};
	// Every pending delay listens to this signal, and a load test has hundreds at once.
	setMaxListeners(0, state.closing.signal);

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
		get stats() {
			return structuredClone(state.stats);
		},
		resetStats() {
			resetStats(state);
		},
		get settings() {
			return structuredClone(state.settings);
		},
		injectFaults(faults) {
			try {
				state.injectedFaults.push(...parseInjectedFaults(faults, state.accountIds));
			} catch (error) {
				throw new Error(`Invalid fault injection: ${/** @type {Error} */ (error).message}`);
			}
		},
		clearFaults() {
			state.injectedFaults.length = 0;
		},
		pendingFaults() {
			return describeInjectedFaults(state);
		},
		async deliverEvent({ event, accountId, timeoutMs = DEFAULT_DELIVERY_TIMEOUT_MS }) {
			if (!WEBHOOK_EVENTS.includes(event)) {
				throw new Error(`Invalid event ${JSON.stringify(event)}: expected one of ${WEBHOOK_EVENTS.join(', ')}.`);
			}
			if (!isPositiveInteger(timeoutMs)) {
				throw new Error(`Invalid timeoutMs ${JSON.stringify(timeoutMs)}: expected a positive integer.`);
			}
			const found = findAccountAndCompany(state, accountId);
			if (found === undefined) {
				throw new Error(`LinkedIn account ${JSON.stringify(accountId)} not found: expected the id of a seeded or created account.`);
			}
			return deliverWebhookEvent(state, event, found, timeoutMs);
		},
		deliveries: state.deliveries,
		subscriptions() {
			return describeWebhookScopes(state);
		},
		close() {
			closing ??= new Promise((resolve, reject) => {
				state.closing.abort();
				abortQueuedRequests(state);
				server.close((error) => (error ? reject(error) : resolve()));
				// fetch keeps connections alive, and close() alone would wait for them to end.
				// This also destroys the sockets of hung and delayed requests.
				server.closeAllConnections();
			});
			return closing;
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Command line

const USAGE = `Usage: node test/sandbox/server.js [options]

Starts the Woodpecker sandbox on 127.0.0.1 and prints one line, {"url":"http://127.0.0.1:PORT"},
once it listens. Stops on SIGTERM or SIGINT. Flags override the seed file's "settings".

Options:
  --port N                 TCP port, 0 to 65535. Default 0 lets the OS pick a free port.
  --seed FILE              JSON seed file with API keys, companies, LinkedIn accounts and
                           optional settings. Default: seed.json next to server.js.
  --url-file FILE          Also write the URL to FILE. The file is removed on shutdown.
  --concurrency            Apply Woodpecker's per-key rule: one request in progress, the next
                           ones queued, any beyond the queue rejected.
  --max-queued N           Requests per key that may wait in the queue. Default 6.
  --max-queue-wait-ms N    Milliseconds a queued request waits before it is rejected.
                           Default 15000.
  --reject-status N        HTTP status of a rejection, 400 to 599. Default 429.
  --service-time-ms N|N-M  Milliseconds a request stays in progress, fixed or uniformly
                           random from N to M. Default 0.
  --network-delay-ms N     Simulated round trip in milliseconds, half before the request
                           reaches the queue and half after it leaves. Default 0.
  --random-faults A,B,...  Fault names to pick from at random, for example 429,503,reset.
  --random-fault-rate R    Probability from 0 to 1 that a request gets a random fault.
                           Required with --random-faults.
  --random-seed N          Seed of the random fault generator, 0 to 4294967295. Default 1.
  --help                   Print this help and exit.

Fault names: ${FAULT_NAMES.join(', ')}.`;

/**
 * @typedef {object} CliOptions
 * @property {boolean} help
 * @property {number} port
 * @property {string | undefined} seedPath
 * @property {string | undefined} urlFile
 * @property {SettingsInput} settings Only the settings given as flags.
 */

/**
 * Parses a flag value that must be a decimal integer from `min` to `max`.
 * @param {string} flag
 * @param {string} value
 * @param {number} [min]
 * @param {number} [max]
 */
function parseCliInteger(flag, value, min = 0, max = Number.MAX_SAFE_INTEGER) {
	const number = Number(value);
	if (!/^[0-9]+$/.test(value) || number < min || number > max) {
		throw new Error(`Invalid ${flag} value ${JSON.stringify(value)}: expected an integer from ${min} to ${max}.`);
	}
	return number;
}

/**
 * Parses `--service-time-ms`: a number of milliseconds, or a range `N-M` with N <= M.
 * @param {string} value
 * @returns {ServiceTime}
 */
function parseCliServiceTime(value) {
	const range = /^([0-9]+)-([0-9]+)$/.exec(value);
	if (range === null) {
		return parseCliInteger('--service-time-ms', value);
	}
	const min = Number(range[1]);
	const max = Number(range[2]);
	if (min > max || !Number.isSafeInteger(max)) {
		throw new Error(`Invalid --service-time-ms value ${JSON.stringify(value)}: expected N or N-M with N <= M.`);
	}
	return { min, max };
}

/**
 * Parses `--random-faults`: comma-separated fault names.
 * @param {string} value
 */
function parseCliFaultNames(value) {
	const names = value.split(',');
	for (const name of names) {
		if (!FAULT_NAMES.includes(name)) {
			throw new Error(`Invalid --random-faults value ${JSON.stringify(value)}: ${JSON.stringify(name)} is not a fault name. `
				+ `Fault names: ${FAULT_NAMES.join(', ')}.`);
		}
	}
	return names;
}

/**
 * Converts the behaviour flags to settings. Each check names its flag, so startSandbox finds
 * nothing left to reject.
 * @param {Record<string, string | boolean | undefined>} values
 * @returns {SettingsInput}
 */
function parseCliSettings(values) {
	/** @type {Partial<ConcurrencySettings>} */
	const concurrency = {};
	if (values.concurrency === true) {
		concurrency.enabled = true;
	}
	if (typeof values['max-queued'] === 'string') {
		concurrency.maxQueued = parseCliInteger('--max-queued', values['max-queued']);
	}
	if (typeof values['max-queue-wait-ms'] === 'string') {
		concurrency.maxQueueWaitMs = parseCliInteger('--max-queue-wait-ms', values['max-queue-wait-ms']);
	}
	if (typeof values['reject-status'] === 'string') {
		concurrency.rejectStatus = parseCliInteger('--reject-status', values['reject-status'], 400, 599);
	}

	/** @type {SettingsInput} */
	const settings = {};
	if (Object.keys(concurrency).length > 0) {
		settings.concurrency = concurrency;
	}

	if (typeof values['service-time-ms'] === 'string') {
		settings.serviceTimeMs = parseCliServiceTime(values['service-time-ms']);
	}
	if (typeof values['network-delay-ms'] === 'string') {
		settings.networkDelayMs = parseCliInteger('--network-delay-ms', values['network-delay-ms']);
	}

	const rate = values['random-fault-rate'];
	const faults = values['random-faults'];
	const seed = values['random-seed'];
	if (rate !== undefined || faults !== undefined || seed !== undefined) {
		if (typeof rate !== 'string' || typeof faults !== 'string') {
			throw new Error('Missing --random-faults or --random-fault-rate: random faults need both.');
		}
		const rateNumber = Number(rate);
		if (!/^[0-9]*\.?[0-9]+$/.test(rate) || rateNumber > 1) {
			throw new Error(`Invalid --random-fault-rate value ${JSON.stringify(rate)}: expected a number from 0 to 1.`);
		}
		settings.randomFaults = {
			rate: rateNumber,
			faults: parseCliFaultNames(faults),
			...(typeof seed === 'string' ? { seed: parseCliInteger('--random-seed', seed, 0, 0xffffffff) } : {}),
		};
	}

	return settings;
}

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
			concurrency: { type: 'boolean' },
			'max-queued': { type: 'string' },
			'max-queue-wait-ms': { type: 'string' },
			'reject-status': { type: 'string' },
			'service-time-ms': { type: 'string' },
			'network-delay-ms': { type: 'string' },
			'random-faults': { type: 'string' },
			'random-fault-rate': { type: 'string' },
			'random-seed': { type: 'string' },
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
		settings: parseCliSettings(values),
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
		sandbox = await startSandbox({ seed, port: options.port, ...options.settings });
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

module.exports = { startSandbox, loadSeed, formatTimestamp, createRandomGenerator, FAULT_NAMES };
