/**
 * Turns every way an item can fail into one n8n error: a NodeApiError with the HTTP status,
 * Woodpecker's own message, code and request ID for request failures, and a NodeOperationError
 * for bad input. Both carry the item index and the item's ids, with secrets redacted.
 */
import {
	NodeApiError,
	NodeOperationError,
	type Failure,
	type IDataObject,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

import {
	connectionFailureMessage,
	NO_REQUEST_SENT,
	httpFailureMessage,
	missingFieldMessage,
	notJsonMessage,
	timeoutMessage,
	type RequestTarget,
} from './messages';

/** Woodpecker's error fields, from either of its two error shapes. */
export interface WoodpeckerErrorBody {
	/** `code` of the `{type, code, message, request_id}` shape, e.g. BAD_REQUEST. */
	code?: string;
	type?: string;
	/** `message` of the first shape or `detail` of the `{title, status, detail, timestamp}` shape. */
	message?: string;
	requestId?: string;
	/** `YYYY-MM-DD HH:MM:SS` in UTC, sent with the second shape instead of a request ID. */
	timestamp?: string;
}

/** Details of a failure that the error output shows beside the message and description. */
export interface FailureDetails {
	httpStatus: number | null;
	woodpeckerCode: string | null;
	woodpeckerMessage: string | null;
	requestId: string | null;
	woodpeckerTimestamp: string | null;
	/** Requests sent for the item, retries included; 0 when none was sent. */
	attempts: number;
}

/** The item a failed request was for, and what the error may show of it. */
export interface FailureContext {
	node: INode;
	target: RequestTarget;
	itemIndex: number;
	/** Strings to redact from anything Woodpecker sent back. */
	secrets: readonly string[];
	attempts: number;
}

const REDACTED = '[redacted]';
const MAX_FIELD_LENGTH = 300;
const MAX_SUMMARY_LENGTH = 200;

/** Replaces every occurrence of each secret in `text`; secrets shorter than 4 characters are skipped. */
export function redact(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (secret.length >= 4) {
			result = result.split(secret).join(REDACTED);
		}
	}
	return result;
}

function shorten(text: string, maxLength: number): string {
	return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function readString(body: IDataObject, key: string, secrets: readonly string[]): string | undefined {
	const value = body[key];
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	return shorten(redact(String(value), secrets), MAX_FIELD_LENGTH);
}

/** Reads Woodpecker's error fields from a parsed body, tolerating either shape or neither. */
export function parseErrorBody(body: unknown, secrets: readonly string[]): WoodpeckerErrorBody {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
	const object = body as IDataObject;
	return {
		code: readString(object, 'code', secrets),
		type: readString(object, 'type', secrets),
		message: readString(object, 'message', secrets) ?? readString(object, 'detail', secrets),
		requestId: readString(object, 'request_id', secrets),
		timestamp: readString(object, 'timestamp', secrets),
	};
}

/** Parses a response body as JSON, returning undefined when it is not JSON. A leading BOM is ignored. */
export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
	} catch {
		return undefined;
	}
}

/**
 * Summarises a body that is not the expected JSON in a few words: its size, an HTML page's
 * title, or the start of the text. Bodies are never copied whole into an error.
 */
export function summariseBody(text: string, secrets: readonly string[]): string {
	if (text.trim() === '') return 'an empty body';
	const size = `${text.length} characters`;
	if (/^\s*</.test(text)) {
		const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
		return title
			? `an HTML page titled "${shorten(redact(title, secrets), 80)}" (${size})`
			: `an HTML page (${size})`;
	}
	const start = shorten(redact(text.trim().replace(/\s+/g, ' '), secrets), MAX_SUMMARY_LENGTH);
	return `a text of ${size} starting "${start}"`;
}

function describeWoodpeckerBody(status: number, body: WoodpeckerErrorBody): string {
	const parts = [`HTTP ${status}.`];
	if (body.message) {
		const end = /[.!?]$/.test(body.message) ? '' : '.';
		parts.push(`Woodpecker's message: "${body.message}"${end}`);
	}
	if (body.code) parts.push(body.type && body.type !== body.code ? `Code: ${body.code} (${body.type}).` : `Code: ${body.code}.`);
	if (body.requestId) parts.push(`Request ID: ${body.requestId}.`);
	if (body.timestamp) parts.push(`Timestamp: ${body.timestamp} UTC.`);
	return parts.join(' ');
}

function failureCause(status: number | null): Failure | undefined {
	if (status === 401 || status === 403) return { cause: 'credential-invalid' };
	if (status === 404) return { cause: 'configuration-invalid' };
	if (status === 429) return { cause: 'rate-limited' };
	if (status === null || status >= 500) return { cause: 'temporarily-unavailable' };
	return undefined;
}

/** Returns the IDs of the item a request was for, named as in the node's output. */
export function targetFields(target: RequestTarget): IDataObject {
	const fields: IDataObject = {};
	if (target.companyId !== undefined) fields.company_id = target.companyId;
	if (target.accountId !== undefined) fields.account_id = target.accountId;
	return fields;
}

function createApiError(
	context: FailureContext,
	message: string,
	description: string,
	details: Omit<FailureDetails, 'attempts'>,
): NodeApiError {
	const { node, target, itemIndex, attempts } = context;
	// Only this summary is attached: the raw HTTP error would carry the request headers.
	const errorResponse: JsonObject = {
		message,
		httpStatus: details.httpStatus,
		woodpeckerCode: details.woodpeckerCode,
		requestId: details.requestId,
	};
	const error = new NodeApiError(node, errorResponse, {
		message,
		description,
		httpCode: details.httpStatus === null ? undefined : String(details.httpStatus),
		itemIndex,
		failure: failureCause(details.httpStatus),
	});
	// NodeError rewrites messages that contain a system error code such as ECONNRESET, so the
	// message and description are set again after construction.
	error.message = message;
	error.description = description;
	error.context.itemIndex = itemIndex;
	error.context.target = targetFields(target);
	error.context.details = { ...details, attempts };
	return error;
}

/** Builds the error for a response with an HTTP error status. */
export function httpStatusError(context: FailureContext, status: number, bodyText: string): NodeApiError {
	const parsed = parseJson(bodyText);
	const body = parseErrorBody(parsed, context.secrets);
	let description = describeWoodpeckerBody(status, body);
	if (parsed === undefined) {
		description += ` The body was ${summariseBody(bodyText, context.secrets)}.`;
	}
	return createApiError(context, httpFailureMessage(status, context.target, body.message, context.attempts), description, {
		httpStatus: status,
		woodpeckerCode: body.code ?? null,
		woodpeckerMessage: body.message ?? null,
		requestId: body.requestId ?? null,
		woodpeckerTimestamp: body.timestamp ?? null,
	});
}

function emptyDetails(httpStatus: number | null): Omit<FailureDetails, 'attempts'> {
	return {
		httpStatus,
		woodpeckerCode: null,
		woodpeckerMessage: null,
		requestId: null,
		woodpeckerTimestamp: null,
	};
}

/** Builds the error for a success status whose body is not JSON. */
export function notJsonError(context: FailureContext, status: number, bodyText: string): NodeApiError {
	return createApiError(
		context,
		notJsonMessage(status, context.target),
		`HTTP ${status}. The body was ${summariseBody(bodyText, context.secrets)}.`,
		emptyDetails(status),
	);
}

/** Builds the error for a success response that lacks a field the operation returns. */
export function missingFieldError(
	context: FailureContext,
	field: string,
	status: number,
	bodyText: string,
): NodeApiError {
	const body = parseJson(bodyText);
	const present = typeof body === 'object' && body !== null && !Array.isArray(body) && field in body;
	const description = present
		? `HTTP ${status}. The body's ${field} was ${describeUnusable((body as IDataObject)[field])}.`
		: `HTTP ${status}. The body ${describeKeys(body)}.`;
	return createApiError(context, missingFieldMessage(field, status, context.target), description, emptyDetails(status));
}

function describeUnusable(value: unknown): string {
	if (value === '') return 'empty';
	if (value === null) return 'null';
	return `a ${Array.isArray(value) ? 'list' : typeof value}, not text`;
}

// Only the key names are shown: the values of a success body may include a connect link.
function describeKeys(body: unknown): string {
	if (typeof body !== 'object' || body === null) return `was ${JSON.stringify(body ?? null)}`;
	if (Array.isArray(body)) return `was a list of ${body.length} entries`;
	const keys = Object.keys(body);
	if (keys.length === 0) return 'was an empty object';
	return `had only the fields ${keys.slice(0, 10).join(', ')}`;
}

/** Builds the error for a request that got no response within the timeout. */
export function timeoutError(context: FailureContext, timeoutMs: number): NodeApiError {
	return createApiError(
		context,
		timeoutMessage(timeoutMs, context.target, context.attempts),
		`No response arrived within ${timeoutMs} ms, so the request was abandoned. Woodpecker may still have processed it.`,
		emptyDetails(null),
	);
}

/** Builds the error for a request that could not be sent or whose connection broke. */
export function connectionError(
	context: FailureContext,
	origin: string,
	cause: { code?: string; detail?: string },
): NodeApiError {
	const problem = describeConnectionProblem(cause.code);
	const parts = ['The request failed before Woodpecker answered.'];
	if (cause.code) parts.push(`System error code: ${cause.code}.`);
	if (cause.detail) {
		const reason = shorten(redact(cause.detail, context.secrets), MAX_SUMMARY_LENGTH).replace(/\.+$/, '');
		parts.push(`Reason: ${reason}.`);
	}
	return createApiError(
		context,
		connectionFailureMessage(origin, problem, context.target, context.attempts),
		parts.join(' '),
		emptyDetails(null),
	);
}

function describeConnectionProblem(code: string | undefined): string {
	switch (code) {
		case 'ECONNREFUSED':
			return 'connection refused';
		case 'ECONNRESET':
		case 'EPIPE':
			return 'connection reset';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'host name not found';
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return 'host unreachable';
		default:
			return 'connection failed';
	}
}

/**
 * Builds the error for an input value that failed validation. `target` contains the raw values of
 * the item's ids, so that the error output shows what the item contained.
 */
export function invalidInputError(
	node: INode,
	message: string,
	target: IDataObject,
	itemIndex: number,
	description = NO_REQUEST_SENT,
): NodeOperationError {
	const error = new NodeOperationError(node, message, { itemIndex, description });
	// Set again because NodeError rewrites messages that contain a system error code, and a
	// user's value could contain one.
	error.message = message;
	error.context.target = target;
	error.context.details = { attempts: 0 };
	return error;
}
