import {
	isRetryable,
	MAX_BACKOFF_MS,
	MAX_RETRY_AFTER_MS,
	parseRetryAfter,
	retryDelay,
	type AttemptOutcome,
} from '../../nodes/WoodpeckerLinkedIn/transport/retry';

const NOW = Date.parse('2026-12-04T12:00:00Z');

describe('isRetryable', () => {
	test.each([429, 500, 502, 503, 504])('retries HTTP %d', (statusCode) => {
		expect(isRetryable({ kind: 'response', statusCode })).toBe(true);
	});

	test.each([200, 201, 400, 401, 403, 404, 409, 422, 501])('never retries HTTP %d', (statusCode) => {
		expect(isRetryable({ kind: 'response', statusCode })).toBe(false);
	});

	test('retries timeouts and resets', () => {
		expect(isRetryable({ kind: 'timeout' })).toBe(true);
		expect(isRetryable({ kind: 'connection', code: 'ECONNRESET' })).toBe(true);
		expect(isRetryable({ kind: 'connection', code: 'EPIPE' })).toBe(true);
	});

	test('no retry without connection', () => {
		expect(isRetryable({ kind: 'connection', code: 'ECONNREFUSED' })).toBe(false);
		expect(isRetryable({ kind: 'connection', code: 'ENOTFOUND' })).toBe(false);
		expect(isRetryable({ kind: 'connection', code: undefined })).toBe(false);
	});
});

describe('parseRetryAfter', () => {
	test('delay seconds', () => {
		expect(parseRetryAfter('3', NOW)).toBe(3000);
		expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
	});

	test('HTTP date', () => {
		expect(parseRetryAfter(new Date(NOW + 2500).toUTCString(), NOW)).toBe(2000);
		expect(parseRetryAfter(new Date(NOW - 10_000).toUTCString(), NOW)).toBe(0);
	});

	test('missing or unreadable', () => {
		expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
		expect(parseRetryAfter('soon', NOW)).toBeUndefined();
		expect(parseRetryAfter('-1', NOW)).toBeUndefined();
	});
});

describe('retryDelay', () => {
	const busy: AttemptOutcome = { kind: 'response', statusCode: 503 };

	test('exponential backoff with jitter', () => {
		expect(retryDelay(busy, 1, 1000, NOW, () => 0)).toBe(500);
		expect(retryDelay(busy, 1, 1000, NOW, () => 1)).toBe(1000);
		expect(retryDelay(busy, 2, 1000, NOW, () => 1)).toBe(2000);
		expect(retryDelay(busy, 3, 1000, NOW, () => 0.5)).toBe(3000);
	});

	test('backoff capped', () => {
		expect(retryDelay(busy, 20, 1000, NOW, () => 1)).toBe(MAX_BACKOFF_MS);
	});

	test('zero delay stays zero', () => {
		expect(retryDelay(busy, 3, 0, NOW, () => 1)).toBe(0);
	});

	test('Retry-After takes precedence', () => {
		expect(retryDelay({ kind: 'response', statusCode: 429, retryAfter: '2' }, 1, 1000, NOW, () => 1)).toBe(2000);
	});

	test('Retry-After capped', () => {
		expect(retryDelay({ kind: 'response', statusCode: 429, retryAfter: '3600' }, 1, 1000, NOW)).toBe(MAX_RETRY_AFTER_MS);
	});

	test('unreadable Retry-After uses backoff', () => {
		expect(retryDelay({ kind: 'response', statusCode: 429, retryAfter: 'later' }, 1, 1000, NOW, () => 1)).toBe(1000);
	});
});
