/**
 * The only code that sends requests to Woodpecker: it owns the base URL, the credential name,
 * the timeout and the translation of every failure into a NodeApiError.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { invalidInputError } from '../errors';
import { invalidBaseUrlMessage, invalidTimeoutMessage, type RequestTarget } from '../messages';
import {
	connectionError,
	httpStatusError,
	notJsonError,
	parseJson,
	targetFields,
	timeoutError,
} from '../errors';

export const CREDENTIAL_NAME = 'woodpeckerApi';
export const DEFAULT_BASE_URL = 'https://api.woodpecker.co';
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface WoodpeckerRequest {
	method: IHttpRequestMethods;
	/** Path from `/rest` on, built only from validated values. */
	path: string;
	target: RequestTarget;
	itemIndex: number;
}

export interface WoodpeckerResponse {
	statusCode: number;
	/** The parsed JSON body. */
	body: unknown;
	/** The raw body, for error messages that summarise it. */
	bodyText: string;
	receivedAt: Date;
}

/** Sends requests for one node execution, with the credential read once. */
export interface WoodpeckerClient {
	request(request: WoodpeckerRequest): Promise<WoodpeckerResponse>;
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

/** The origin of a base URL without any user name or password, for messages. */
function displayOrigin(baseUrl: string): string {
	return new URL(baseUrl).origin;
}

export async function createWoodpeckerClient(context: IExecuteFunctions): Promise<WoodpeckerClient> {
	const credentials = await context.getCredentials(CREDENTIAL_NAME);
	const node = context.getNode();
	const rawBaseUrl = credentials.baseUrl ?? DEFAULT_BASE_URL;
	const baseUrl = normaliseBaseUrl(rawBaseUrl);
	if (baseUrl === undefined) {
		throw new NodeOperationError(node, invalidBaseUrlMessage(rawBaseUrl));
	}
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	const secrets = [apiKey];

	return {
		secrets,
		request: async (request) => await sendRequest(context, node, baseUrl, secrets, request),
	};
}

async function sendRequest(
	context: IExecuteFunctions,
	node: INode,
	baseUrl: string,
	secrets: readonly string[],
	request: WoodpeckerRequest,
): Promise<WoodpeckerResponse> {
	const { method, path, target, itemIndex } = request;
	const timeoutMs = readTimeout(context, node, target, itemIndex);

	let response: { statusCode: number; body: unknown };
	try {
		response = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_NAME, {
			method,
			url: `${baseUrl}${path}`,
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
		})) as { statusCode: number; body: unknown };
	} catch (error) {
		const failure = classifyTransportError(error);
		const transportError =
			failure === 'timeout'
				? timeoutError(node, timeoutMs, target, itemIndex)
				: connectionError(node, displayOrigin(baseUrl), failure, target, itemIndex, secrets);
		throw transportError;
	}

	const receivedAt = new Date();
	const bodyText = typeof response.body === 'string' ? response.body : '';
	const { statusCode } = response;
	if (statusCode < 200 || statusCode >= 300) {
		throw httpStatusError(node, statusCode, bodyText, target, itemIndex, secrets);
	}

	const body = parseJson(bodyText);
	if (body === undefined) {
		throw notJsonError(node, statusCode, bodyText, target, itemIndex, secrets);
	}
	return { statusCode, body, bodyText, receivedAt };
}

function readTimeout(
	context: IExecuteFunctions,
	node: INode,
	target: RequestTarget,
	itemIndex: number,
): number {
	const raw = context.getNodeParameter('options.timeout', itemIndex, DEFAULT_TIMEOUT_MS);
	if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) {
		throw invalidInputError(node, invalidTimeoutMessage(raw), targetFields(target), itemIndex);
	}
	return Math.ceil(raw);
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/**
 * Finds the system error code of a failed request. n8n wraps the HTTP client's error in a
 * NodeApiError, so the code sits on the error or one of its causes.
 */
export function classifyTransportError(
	error: unknown,
): 'timeout' | { code: string | undefined; detail: string | undefined } {
	const detail = findInnermostMessage(error);
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
		current = candidate.cause;
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
