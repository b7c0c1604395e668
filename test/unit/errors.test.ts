import type { INode } from 'n8n-workflow';

import {
	connectionError,
	httpStatusError,
	missingFieldError,
	notJsonError,
	parseErrorBody,
	redact,
	summariseBody,
	timeoutError,
	type FailureContext,
} from '../../nodes/WoodpeckerLinkedIn/errors';
import { httpFailureMessage } from '../../nodes/WoodpeckerLinkedIn/messages';
import { classifyTransportError, normaliseBaseUrl } from '../../nodes/WoodpeckerLinkedIn/transport';

const node: INode = {
	id: 'node',
	name: 'Woodpecker LinkedIn',
	type: 'n8n-nodes-woodpecker-linkedin.woodpeckerLinkedIn',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const KEY = 'secret-key-1234';
const TARGET = { companyId: 123, accountId: 456 };

function failure(itemIndex = 0, attempts = 1): FailureContext {
	return { node, target: TARGET, itemIndex, secrets: [KEY], attempts };
}

describe('parseErrorBody', () => {
	test('first error shape', () => {
		expect(
			parseErrorBody(
				{ type: 'VALIDATION_ERROR', code: 'BAD_REQUEST', message: 'Invalid account id.', request_id: 'r-1' },
				[],
			),
		).toEqual({
			code: 'BAD_REQUEST',
			type: 'VALIDATION_ERROR',
			message: 'Invalid account id.',
			requestId: 'r-1',
			timestamp: undefined,
		});
	});

	test('second error shape', () => {
		expect(
			parseErrorBody({ title: 'Unauthorized', status: 401, detail: 'Invalid api key', timestamp: '2025-03-05 17:57:00' }, []),
		).toEqual({
			code: undefined,
			type: undefined,
			message: 'Invalid api key',
			requestId: undefined,
			timestamp: '2025-03-05 17:57:00',
		});
	});

	test('anything else gives no fields', () => {
		expect(parseErrorBody('text', [])).toEqual({});
		expect(parseErrorBody(null, [])).toEqual({});
		expect(parseErrorBody([1, 2], [])).toEqual({});
		expect(parseErrorBody({ message: { nested: true } }, [])).toEqual({
			code: undefined,
			type: undefined,
			message: undefined,
			requestId: undefined,
			timestamp: undefined,
		});
	});

	test('echoed key redacted', () => {
		expect(parseErrorBody({ message: `bad key ${KEY}` }, [KEY]).message).toBe('bad key [redacted]');
	});
});

describe('summariseBody', () => {
	test('empty body', () => {
		expect(summariseBody('  ', [])).toBe('an empty body');
	});

	test('HTML page with title', () => {
		expect(summariseBody('<!doctype html><html><title> Sign in </title><body>x</body></html>', [])).toBe(
			'an HTML page titled "Sign in" (66 characters)',
		);
	});

	test('HTML page without title', () => {
		expect(summariseBody('<html><body>Bad gateway</body></html>', [])).toBe('an HTML page (37 characters)');
	});

	test('long text cut short and redacted', () => {
		const summary = summariseBody(`${KEY} ${'y'.repeat(1000)}`, [KEY]);
		expect(summary.startsWith('a text of 1016 characters starting "[redacted] yyy')).toBe(true);
		expect(summary.length).toBeLessThan(260);
		expect(summary).not.toContain(KEY);
	});
});

describe('redact', () => {
	test('replaces every occurrence', () => {
		expect(redact(`${KEY}/${KEY}`, [KEY])).toBe('[redacted]/[redacted]');
	});

	test('ignores very short secrets', () => {
		expect(redact('abc', ['a'])).toBe('abc');
	});
});

describe('httpStatusError', () => {
	test('keeps status, code and request id', () => {
		const body = JSON.stringify({ type: 'VALIDATION_ERROR', code: 'BAD_REQUEST', message: 'Invalid account id.', request_id: 'r-1' });

		const error = httpStatusError(failure(2), 400, body);

		expect(error.message).toBe(httpFailureMessage(400, TARGET, 'Invalid account id.'));
		expect(error.description).toBe(
			`HTTP 400. Woodpecker's message: "Invalid account id." Code: BAD_REQUEST (VALIDATION_ERROR). Request ID: r-1.`,
		);
		expect(error.httpCode).toBe('400');
		expect(error.context.itemIndex).toBe(2);
		expect(error.context.target).toEqual({ company_id: 123, account_id: 456 });
		expect(error.context.details).toEqual({
			httpStatus: 400,
			woodpeckerCode: 'BAD_REQUEST',
			woodpeckerMessage: 'Invalid account id.',
			requestId: 'r-1',
			woodpeckerTimestamp: null,
			attempts: 1,
		});
	});

	test('HTML error body summarised', () => {
		const error = httpStatusError(failure(0, 6), 502, '<html><title>502 Bad Gateway</title></html>');

		expect(error.message).toBe('Woodpecker failed with HTTP 502 for account 456 of company 123 (6 attempts). Try again later.');
		expect(error.description).toBe('HTTP 502. The body was an HTML page titled "502 Bad Gateway" (43 characters).');
	});

	test('echoed key never attached', () => {
		const body = JSON.stringify({ message: `Invalid key ${KEY}`, request_id: KEY });

		const error = httpStatusError(failure(), 401, body);

		expect(JSON.stringify(error)).not.toContain(KEY);
		expect(JSON.stringify(error.context)).not.toContain(KEY);
		expect(error.description).not.toContain(KEY);
	});

	test('system error code kept in message', () => {
		// n8n would otherwise replace a message that mentions ECONNRESET with its own text.
		const error = httpStatusError(failure(), 400, JSON.stringify({ message: 'ECONNRESET' }));

		expect(error.message).toBe(httpFailureMessage(400, TARGET, 'ECONNRESET'));
	});
});

describe('other failures', () => {
	test('not JSON success body', () => {
		const error = notJsonError(failure(), 201, 'OK');
		expect(error.description).toBe('HTTP 201. The body was a text of 2 characters starting "OK".');
	});

	test('missing field shows key names only', () => {
		const error = missingFieldError(failure(), 'connect_account_link', 200, JSON.stringify({ url: 'https://x?token=1' }));
		expect(error.description).toBe('HTTP 200. The body had only the fields url.');
	});

	test('empty link field described', () => {
		const error = missingFieldError(failure(), 'connect_account_link', 201, JSON.stringify({ account_id: 1, connect_account_link: '' }));
		expect(error.description).toBe("HTTP 201. The body's connect_account_link was empty.");
	});

	test('timeout names the limit', () => {
		expect(timeoutError(failure(0, 3), 1500).message).toBe(
			'Woodpecker did not respond within 1.5 seconds for account 456 of company 123 in any of 3 attempts. Try again later, or raise Options > Timeout.',
		);
	});

	test('connection error redacts reason', () => {
		const error = connectionError(failure(0, 2), 'http://127.0.0.1:9', { code: 'ECONNRESET', detail: `reset ${KEY}` });
		expect(error.message).toBe(
			'Could not reach Woodpecker at http://127.0.0.1:9 for account 456 of company 123 (connection reset, 2 attempts). Check the Base URL of the Woodpecker API credential.',
		);
		expect(error.description).toBe(
			'The request failed before Woodpecker answered. System error code: ECONNRESET. Reason: reset [redacted].',
		);
	});
});

describe('classifyTransportError', () => {
	test('axios timeout wrapped by n8n', () => {
		const cause = Object.assign(new Error('timeout of 200ms exceeded'), { code: 'ECONNABORTED' });
		expect(classifyTransportError(new Error('wrapper', { cause }))).toBe('timeout');
	});

	test('refused connection code', () => {
		const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
		expect(classifyTransportError(new Error('wrapper', { cause }))).toEqual({
			code: 'ECONNREFUSED',
			detail: 'connect ECONNREFUSED 127.0.0.1:9',
		});
	});

	test('unknown error has no code', () => {
		expect(classifyTransportError('boom')).toEqual({ code: undefined, detail: undefined });
	});
});

describe('normaliseBaseUrl', () => {
	test.each([
		['https://api.woodpecker.co', 'https://api.woodpecker.co'],
		['https://api.woodpecker.co/', 'https://api.woodpecker.co'],
		[' http://127.0.0.1:8788// ', 'http://127.0.0.1:8788'],
		['https://proxy.example/woodpecker/', 'https://proxy.example/woodpecker'],
	])('accepts %j', (raw, expected) => {
		expect(normaliseBaseUrl(raw)).toBe(expected);
	});

	test.each([[''], ['api.woodpecker.co'], ['ftp://api.woodpecker.co'], ['https://x/?a=1'], ['https://x/#h'], [42], [undefined]])(
		'rejects %j',
		(raw) => {
			expect(normaliseBaseUrl(raw)).toBeUndefined();
		},
	);
});

describe('classifyTransportError without codes', () => {
	test('n8n 1.x reset text', () => {
		const wrapped = Object.assign(new Error('The connection to the server was closed unexpectedly, perhaps it is offline.'), {
			messages: ['socket hang up'],
		});
		expect(classifyTransportError(wrapped)).toEqual({
			code: 'ECONNRESET',
			detail: 'The connection to the server was closed unexpectedly, perhaps it is offline.',
		});
	});

	test('refused connection text', () => {
		expect(classifyTransportError(new Error('connect ECONNREFUSED 127.0.0.1:9'))).toEqual({
			code: 'ECONNREFUSED',
			detail: 'connect ECONNREFUSED 127.0.0.1:9',
		});
	});

	test('timeout text', () => {
		expect(classifyTransportError(new Error('timeout of 200ms exceeded'))).toBe('timeout');
	});
});
