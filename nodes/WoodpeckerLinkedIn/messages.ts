/**
 * Every text a user sees when an item fails, in one place so that tests assert the same strings
 * the node produces.
 */
import { formatValue, ID_PARAMETER_LABELS, type IdParameter } from './validation';

/**
 * Subject of a request: the company and LinkedIn account where the operation has them, and for
 * requests whose 400 means something of their own, the action.
 */
export interface RequestTarget {
	companyId?: number;
	accountId?: number;
	action?: 'createAccount' | 'webhooks';
}

const ID_HINTS: Record<IdParameter, string> = {
	companyId: 'Enter the numeric ID of the client company in Woodpecker, for example 123.',
	accountId: 'Enter the numeric ID of the LinkedIn account in Woodpecker, for example 456.',
};

export const NO_REQUEST_SENT =
	'No request was sent for this item. If the value comes from an expression, check the input field it reads.';

export const BASE_URL_NOT_SENT = 'No request was sent. The Base URL is a field of the Woodpecker API credential.';

export function invalidIdMessage(parameter: IdParameter, raw: unknown, reason: string): string {
	const label = ID_PARAMETER_LABELS[parameter];
	if (reason === 'empty') {
		return `${label} is empty. ${ID_HINTS[parameter]}`;
	}
	return `${label} ${formatValue(raw)} is ${reason}. ${ID_HINTS[parameter]}`;
}

export function invalidBaseUrlMessage(raw: unknown): string {
	return (
		`Base URL ${formatValue(raw)} in the Woodpecker API credential is not a valid http or https URL. ` +
		'Use https://api.woodpecker.co, or the address of your proxy or local sandbox.'
	);
}

const OPTION_HINTS: Record<string, string> = {
	timeout: 'Timeout {value} is not a positive number of milliseconds. Set Options > Timeout to, for example, 30000 for 30 seconds.',
	maxRetries: 'Max Retries {value} is not a whole number from 0 to 10. Set Options > Max Retries to, for example, 5.',
	retryDelay: 'Retry Delay {value} is not a number of milliseconds of 0 or more. Set Options > Retry Delay to, for example, 1000.',
	parallelRequests:
		'Parallel Requests {value} is not a whole number from 1 to 7. Set Options > Parallel Requests to 1 to send one request at a time, or to at most 7, the most requests Woodpecker queues for one API key.',
};

export function invalidFilterMessage(filter: string, raw: unknown): string {
	return `${filter} ${formatValue(raw)} is not a valid filter value. Pick one from the list, or give the status as text such as DISCONNECTED.`;
}

export function invalidTimezoneMessage(raw: unknown): string {
	return `Time Zone ${formatValue(raw)} is not an IANA time zone name. Pick one from the list, or give a name such as Europe/Warsaw.`;
}

export function invalidLimitMessage(raw: unknown): string {
	return `Limit ${formatValue(raw)} is not a whole number of 1 or more. Set Limit to, for example, 50, or turn on Return All.`;
}

export function invalidOptionMessage(option: string, raw: unknown): string {
	const template = OPTION_HINTS[option] ?? `Option ${option} has the invalid value {value}.`;
	return template.replace('{value}', formatValue(raw));
}

/** ", 6 attempts" when a request was sent more than once, for the status in parentheses. */
function attemptsNote(attempts: number): string {
	return attempts > 1 ? `, ${attempts} attempts` : '';
}

export function describeTarget(target: RequestTarget): string {
	if (target.action === 'webhooks') {
		return target.companyId === undefined
			? "the webhook subscriptions of the API key's own account"
			: `the webhook subscriptions of company ${target.companyId}`;
	}
	if (target.companyId === undefined) return "the agency's client companies";
	return target.accountId === undefined
		? `company ${target.companyId}`
		: `account ${target.accountId} of company ${target.companyId}`;
}

const CHECK_BASE_URL = 'Check the Base URL of the Woodpecker API credential.';

/**
 * Message for an HTTP error status, chosen by the status and, for 404, by Woodpecker's detail.
 * `attempts` counts the requests sent, retries included.
 */
export function httpFailureMessage(
	status: number,
	target: RequestTarget,
	woodpeckerMessage: string | undefined,
	attempts = 1,
): string {
	const subject = describeTarget(target);
	const note = attemptsNote(attempts);
	switch (status) {
		case 400:
			if (target.action === 'createAccount') {
				const reason = woodpeckerMessage ? `: "${woodpeckerMessage}"` : '';
				return `Woodpecker rejected the new LinkedIn account for ${subject} (HTTP 400)${reason}. Check the time zone, and that the company has a free LinkedIn account slot.`;
			}
			return target.accountId === undefined
				? `Woodpecker rejected the request for ${subject} as invalid (HTTP 400). Check the values sent for this item.`
				: `Woodpecker rejected ${subject} as invalid (HTTP 400). Check that the account ID belongs to that company.`;
		case 401:
			return `Woodpecker rejected the API key for ${subject} (HTTP 401). Check that the Woodpecker API credential holds a valid agency API key.`;
		case 403:
			return `Woodpecker denied access to ${subject} (HTTP 403). Check that the API key belongs to the agency that manages this company.`;
		case 404:
			return woodpeckerMessage === 'No active company found' && target.companyId !== undefined
				? `Woodpecker found no active company ${target.companyId} (HTTP 404). Check the company ID and that the company is active in Woodpecker.`
				: `Woodpecker did not find the requested address for ${subject} (HTTP 404). ${CHECK_BASE_URL}`;
		case 429:
			return `Woodpecker rejected the request for ${subject} because too many requests were in progress for this API key (HTTP 429${note}). Try again in a few minutes, or run fewer workflows with this API key at the same time.`;
		case 500:
			return `Woodpecker failed with an internal error for ${subject} (HTTP 500${note}). Try again later, and give Woodpecker support the request ID if it keeps failing.`;
		default:
			return status >= 500
				? `Woodpecker failed with HTTP ${status} for ${subject} (${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}). Try again later.`
				: `Woodpecker returned HTTP ${status} for ${subject}. Check the values sent for this item.`;
	}
}

export function notJsonMessage(status: number, target: RequestTarget): string {
	return `Woodpecker sent a response that is not JSON for ${describeTarget(target)} (HTTP ${status}). ${CHECK_BASE_URL}`;
}

export function missingFieldMessage(field: string, status: number, target: RequestTarget): string {
	return `Woodpecker's response for ${describeTarget(target)} has no ${field} (HTTP ${status}). Try again, and report it to Woodpecker support if it keeps happening.`;
}

export function timeoutMessage(timeoutMs: number, target: RequestTarget, attempts = 1): string {
	const tries = attempts > 1 ? ` in any of ${attempts} attempts` : '';
	return `Woodpecker did not respond within ${timeoutMs / 1000} seconds for ${describeTarget(target)}${tries}. Try again later, or raise Options > Timeout.`;
}

export function connectionFailureMessage(
	origin: string,
	problem: string,
	target: RequestTarget,
	attempts = 1,
): string {
	return `Could not reach Woodpecker at ${origin} for ${describeTarget(target)} (${problem}${attemptsNote(attempts)}). ${CHECK_BASE_URL}`;
}

/** Whose webhooks a trigger manages: a client company, or the API key's own account. */
function webhookScope(companyId: number | undefined): string {
	return companyId === undefined ? "the API key's own account" : `company ${companyId}`;
}

export const NO_EVENTS_MESSAGE = 'No event is selected under Events. Select Account Connected, Account Disconnected or both.';

export function unknownEventsMessage(raw: unknown): string {
	return `Events ${formatValue(raw)} contains a value that is not a Woodpecker LinkedIn event. Select Account Connected, Account Disconnected or both.`;
}

export const TRIGGER_NOT_ACTIVATED = 'No webhook was subscribed, so the workflow was not activated.';

export function localWebhookUrlMessage(targetUrl: string): string {
	return (
		`The trigger's webhook URL ${targetUrl} points at this machine, so Woodpecker cannot reach it. ` +
		"Set n8n's WEBHOOK_URL environment variable to the public address of this n8n, for example https://n8n.your-agency.example/, restart n8n and activate the workflow again."
	);
}

/** Activation failed because the event already has as many subscriptions as Woodpecker allows. */
export function webhookLimitMessage(
	eventLabel: string,
	companyId: number | undefined,
	limit: number,
	targetOrigins: readonly string[],
): string {
	const where = targetOrigins.length > 0 ? ` (webhooks at ${targetOrigins.join(', ')})` : '';
	return (
		`Woodpecker allows ${limit} webhook subscriptions to ${eventLabel} per account, and ${webhookScope(companyId)} already has ${limit}${where}. ` +
		`Free one: unpublish another workflow that listens to ${eventLabel} for the same company, stop listening for a test event in the editor (a trigger under test uses one more), or remove one of those webhooks in Woodpecker. Then publish or test this workflow again.`
	);
}
