/**
 * The only code that sends requests to Woodpecker: it owns the base URL, the credential name,
 * the timeout and retries, and the translation of every failure into a NodeApiError.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	INode,
	NodeApiError,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import {
	connectionError,
	httpStatusError,
	invalidInputError,
	missingFieldError,
	notJsonError,
	parseJson,
	targetFields,
	timeoutError,
	type FailureContext,
} from '../errors';
import { BASE_URL_NOT_SENT, invalidBaseUrlMessage, invalidOptionMessage, type RequestTarget } from '../messages';
import { isRetryable, retryDelay, type AttemptOutcome } from './retry';
import { readRequestSettings, type RequestSettings } from './settings';

export { DEFAULT_TIMEOUT_MS } from './settings';

export const CREDENTIAL_NAME = 'woodpeckerApi';
export const DEFAULT_BASE_URL = 'https://api.woodpecker.co';

export interface WoodpeckerRequest {
	method: IHttpRequestMethods;
	/** Path from `/rest` on, built only from validated values. */
	path: string;
	qs?: IDataObject;
	/** Extra headers, such as `x-company-id`. */
	headers?: IDataObject;
	/** JSON body; most Woodpecker calls take none. */
	body?: IDataObject;
	/** Whether a success response without a body is expected, as Woodpecker sends for an unsubscribe. */
	emptyBodyExpected?: boolean;
	target: RequestTarget;
	itemIndex: number;
}

/**
 * The contexts the client runs in: a node execution, a list search in the editor, or a trigger's
 * webhook set-up when a workflow is activated or deactivated.
 */
type ClientContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

/** Settings for list searches and webhook set-up, where a person waits: fewer, shorter retries. */
const INTERACTIVE_SETTINGS: RequestSettings = { timeoutMs: 15_000, maxRetries: 2, retryDelayMs: 500 };

function isExecution(context: ClientContext): context is IExecuteFunctions {
	return 'getInputData' in context;
}

export interface WoodpeckerResponse {
	statusCode: number;
	/** The parsed JSON body; undefined for an expected empty body. */
	body: unknown;
	/** The raw body, for error messages that summarise it. */
	bodyText: string;
	receivedAt: Date;
	/** Requests sent, retries included. */
	attempts: number;
}

/** Sends requests for one node execution or list search, with the credential read once. */
export interface WoodpeckerClient {
	request(request: WoodpeckerRequest): Promise<WoodpeckerResponse>;
	/** Builds the error for a success response that lacks `field`, or has it in an unusable form. */
	missingField(field: string, request: WoodpeckerRequest, response: WoodpeckerResponse): NodeApiError;
	/** Strings that must never appear in an error or a log line. */
	readonly secrets: readonly string[];
}

/**
 * Checks the credential's base URL and returns it without trailing slashes, or undefined when
 * it is not an absolute http or https URL. A path prefix, for a proxy, is kept.
 */
export function normaliseBaseUrl(raw: unknown): string | undefined {
	if (typeof raw !== 'string') return undefined;
	const text = raw.trim();
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return undefined;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
	if (url.search !== '' || url.hash !== '') return undefined;
	return text.replace(/\/+$/, '');
}

/** Returns the origin of a base URL, without any user name or password, for messages. */
function displayOrigin(baseUrl: string): string {
	return new URL(baseUrl).origin;
}

export async function createWoodpeckerClient(context: ClientContext): Promise<WoodpeckerClient> {
	const credentials = await context.getCredentials(CREDENTIAL_NAME);
	const node = context.getNode();
	const rawBaseUrl = credentials.baseUrl ?? DEFAULT_BASE_URL;
	const baseUrl = normaliseBaseUrl(rawBaseUrl);
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	const secrets = [apiKey, apiKey.trim()];

	return {
		secrets,
		missingField: (field, request, response) =>
			missingFieldError(
				{ node, target: request.target, itemIndex: request.itemIndex, secrets, attempts: response.attempts },
				field,
				response.statusCode,
				response.bodyText,
			),
		request: async (request) => {
			// Checked per request, so that each item's error carries its own IDs.
			if (baseUrl === undefined) {
				throw invalidInputError(
					node,
					invalidBaseUrlMessage(rawBaseUrl),
					targetFields(request.target),
					request.itemIndex,
					BASE_URL_NOT_SENT,
				);
			}
			return await sendRequest(context, node, baseUrl, secrets, request);
		},
	};
}

interface FullResponse {
	statusCode: number;
	body: unknown;
	headers: IDataObject;
}

/** Result of one attempt: a response with any status, or the failure that prevented one. */
type Attempt =
	| { outcome: AttemptOutcome & { kind: 'response' }; response: FullResponse }
	| { outcome: AttemptOutcome & { kind: 'timeout' } }
	| { outcome: AttemptOutcome & { kind: 'connection' }; detail: string | undefined };

async function sendRequest(
	context: ClientContext,
	node: INode,
	baseUrl: string,
	secrets: readonly string[],
	request: WoodpeckerRequest,
): Promise<WoodpeckerResponse> {
	const { target, itemIndex } = request;
	const settings = isExecution(context) ? readSettings(context, node, target, itemIndex) : INTERACTIVE_SETTINGS;

	let attempts = 0;
	let attempt: Attempt;
	for (;;) {
		attempts++;
		attempt = await sendOnce(context, baseUrl, request, settings.timeoutMs);
		if (!isRetryable(attempt.outcome) || attempts > settings.maxRetries) break;
		if (isExecution(context) && context.getExecutionCancelSignal?.()?.aborted) break;

		const waitMs = retryDelay(attempt.outcome, attempts, settings.retryDelayMs, Date.now());
		context.logger.warn('Woodpecker request failed, retrying', {
			itemIndex,
			...targetFields(target),
			failure: describeOutcome(attempt.outcome),
			attempt: attempts,
			waitMs,
		});
		// A cancelled execution ends the wait at once instead of after up to a minute.
		const cancelSignal = isExecution(context) ? context.getExecutionCancelSignal?.() : undefined;
		await sleep(waitMs, cancelSignal as AbortSignal | undefined);
	}

	const failure: FailureContext = { node, target, itemIndex, secrets, attempts };
	if (attempts > 1) {
		const level = 'response' in attempt && attempt.response.statusCode < 300 ? 'info' : 'warn';
		context.logger[level](level === 'info' ? 'Woodpecker request succeeded after retrying' : 'Woodpecker request failed, giving up', {
			itemIndex,
			...targetFields(target),
			failure: describeOutcome(attempt.outcome),
			attempts,
		});
	}
	if (attempt.outcome.kind === 'timeout') {
		throw timeoutError(failure, settings.timeoutMs);
	}
	if (attempt.outcome.kind === 'connection') {
		const { code } = attempt.outcome;
		const detail = 'detail' in attempt ? attempt.detail : undefined;
		throw connectionError(failure, displayOrigin(baseUrl), { code, detail });
	}
	if (!('response' in attempt)) {
		throw connectionError(failure, displayOrigin(baseUrl), {});
	}

	const receivedAt = new Date();
	const { statusCode } = attempt.response;
	const bodyText = typeof attempt.response.body === 'string' ? attempt.response.body : '';
	if (statusCode < 200 || statusCode >= 300) {
		throw httpStatusError(failure, statusCode, bodyText);
	}

	const body = parseJson(bodyText);
	if (body === undefined && !(request.emptyBodyExpected === true && bodyText.trim() === '')) {
		throw notJsonError(failure, statusCode, bodyText);
	}
	return { statusCode, body, bodyText, receivedAt, attempts };
}

/** Sends one request and reports its response, whatever the status, or why there was none. */
async function sendOnce(
	context: ClientContext,
	baseUrl: string,
	request: WoodpeckerRequest,
	timeoutMs: number,
): Promise<Attempt> {
	try {
		const response = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_NAME, {
			method: request.method,
			url: `${baseUrl}${request.path}`,
			qs: request.qs,
			headers: { ...request.headers, 'Content-Type': 'application/json', Accept: 'application/json' },
			body: request.body === undefined ? undefined : JSON.stringify(request.body),
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
		})) as FullResponse;
		const retryAfter = response.headers?.['retry-after'];
		return {
			outcome: {
				kind: 'response',
				statusCode: response.statusCode,
				retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
			},
			response,
		};
	} catch (error) {
		const failure = classifyTransportError(error);
		if (failure === 'timeout') return { outcome: { kind: 'timeout' } };
		return { outcome: { kind: 'connection', code: failure.code }, detail: failure.detail };
	}
}

/** Names an outcome for a log line without anything secret: a status, "timeout" or an error code. */
function describeOutcome(outcome: AttemptOutcome): string {
	if (outcome.kind === 'response') return `HTTP ${outcome.statusCode}`;
	if (outcome.kind === 'timeout') return 'timeout';
	return outcome.code ?? 'connection failed';
}

function readSettings(
	context: IExecuteFunctions,
	node: INode,
	target: RequestTarget,
	itemIndex: number,
): RequestSettings {
	const result = readRequestSettings(context, itemIndex);
	if (!result.valid) {
		throw invalidInputError(node, invalidOptionMessage(result.option, result.value), targetFields(target), itemIndex);
	}
	return result.settings;
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/**
 * Texts that name a failure when no code survives the wrapping: n8n 1.x replaces the message of
 * a reset with its own sentence and keeps the original only in the error's `messages`.
 */
const FAILURE_TEXTS: Array<[RegExp, string]> = [
	[/timeout of \d+ms exceeded|\bETIMEDOUT\b/i, 'timeout'],
	[/socket hang up|\bECONNRESET\b|closed unexpectedly/i, 'ECONNRESET'],
	[/\bECONNREFUSED\b|refused the connection/i, 'ECONNREFUSED'],
	[/\bENOTFOUND\b|\bEAI_AGAIN\b/i, 'ENOTFOUND'],
];

/**
 * Finds the system error code of a failed request. n8n wraps the HTTP client's error in a
 * NodeApiError, so the code is on the error or one of its causes. Without a code, the messages
 * in that chain name the failure.
 */
export function classifyTransportError(
	error: unknown,
): 'timeout' | { code: string | undefined; detail: string | undefined } {
	const detail = findInnermostMessage(error);
	const texts: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const candidate = current as IDataObject & { cause?: unknown };
		const code = typeof candidate.code === 'string' ? candidate.code : undefined;
		const message = typeof candidate.message === 'string' ? candidate.message : '';
		if ((code && TIMEOUT_CODES.has(code)) || /timeout of \d+ms exceeded/.test(message)) {
			return 'timeout';
		}
		if (code && /^E[A-Z_]+$/.test(code)) {
			return { code, detail };
		}
		texts.push(message);
		if (Array.isArray(candidate.messages)) texts.push(...candidate.messages.filter((text) => typeof text === 'string'));
		current = candidate.cause;
	}

	for (const [pattern, failure] of FAILURE_TEXTS) {
		if (texts.some((text) => pattern.test(text))) {
			return failure === 'timeout' ? 'timeout' : { code: failure, detail };
		}
	}
	return { code: undefined, detail };
}

function findInnermostMessage(error: unknown): string | undefined {
	let message: string | undefined;
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const candidate = current as { message?: unknown; cause?: unknown };
		if (typeof candidate.message === 'string' && candidate.message !== '') message = candidate.message;
		current = candidate.cause;
	}
	return message;
}
