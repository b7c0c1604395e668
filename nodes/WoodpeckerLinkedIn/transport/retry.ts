/**
 * When to send a failed request again and how long to wait first. Woodpecker works on one
 * request per API key at a time and queues up to 6 more for at most 15 seconds, so a request can
 * be rejected when other workflows use the same key. Those rejections, Woodpecker's 5xx responses
 * and broken connections pass, so they are retried. Everything else would fail the same way again.
 */

/** HTTP statuses worth another attempt: 429 and the 5xx responses of an overloaded or restarting service. */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Maximum wait between two attempts from the exponential backoff, in milliseconds. */
export const MAX_BACKOFF_MS = 30_000;

/** Maximum wait that a Retry-After header can request and still be honoured, in milliseconds. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Outcome of one attempt, as far as the retry decision is concerned. */
export type AttemptOutcome =
	| { kind: 'response'; statusCode: number; retryAfter?: string }
	| { kind: 'timeout' }
	| { kind: 'connection'; code: string | undefined };

/** System error codes of a connection that broke after it was made. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

export function isRetryable(outcome: AttemptOutcome): boolean {
	switch (outcome.kind) {
		case 'response':
			return RETRYABLE_STATUSES.has(outcome.statusCode);
		case 'timeout':
			return true;
		case 'connection':
			return outcome.code !== undefined && RESET_CODES.has(outcome.code);
	}
}

/**
 * Parses a Retry-After header, in delay-seconds or HTTP-date form, into milliseconds from `now`.
 * Returns undefined when the header is missing or unreadable.
 */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
	if (header === undefined) return undefined;
	const text = header.trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	// An HTTP-date always names the weekday and month, e.g. "Fri, 04 Dec 2026 12:00:02 GMT".
	if (!/[A-Za-z]/.test(text)) return undefined;
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/**
 * Returns how long to wait before retry number `retry` (1 for the first retry): Retry-After when
 * the response has one, capped at MAX_RETRY_AFTER_MS, else exponential backoff from `initialDelayMs`
 * capped at MAX_BACKOFF_MS, with a random half taken off so that clients sharing a key spread out.
 */
export function retryDelay(
	outcome: AttemptOutcome,
	retry: number,
	initialDelayMs: number,
	now: number,
	random: () => number = Math.random,
): number {
	if (outcome.kind === 'response') {
		const retryAfter = parseRetryAfter(outcome.retryAfter, now);
		if (retryAfter !== undefined) return Math.min(retryAfter, MAX_RETRY_AFTER_MS);
	}
	const backoff = Math.min(initialDelayMs * 2 ** (retry - 1), MAX_BACKOFF_MS);
	return Math.round(backoff / 2 + (random() * backoff) / 2);
}
