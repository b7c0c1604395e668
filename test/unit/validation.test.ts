import { formatValue, parseWoodpeckerId } from '../../nodes/WoodpeckerLinkedIn/validation';
import { invalidIdMessage } from '../../nodes/WoodpeckerLinkedIn/messages';

describe('parseWoodpeckerId', () => {
	test.each([
		[123, 123],
		['123', 123],
		[' 123 ', 123],
		['\t42\n', 42],
		['0042', 42],
		[42.0, 42],
		['42.0', 42],
		['42.000', 42],
		[Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
		[String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
	])('accepts %j as %d', (raw, expected) => {
		expect(parseWoodpeckerId(raw)).toEqual({ valid: true, value: expected });
	});

	test.each([
		[undefined, 'empty'],
		[null, 'empty'],
		['', 'empty'],
		['   ', 'empty'],
		[0, 'not greater than zero'],
		['0', 'not greater than zero'],
		[-5, 'not greater than zero'],
		['-5', 'not a whole number'],
		['+5', 'not a whole number'],
		[4.5, 'not a whole number'],
		['4.5', 'not a whole number'],
		['42.', 'not a whole number'],
		['1e3', 'not a whole number'],
		['0x1F', 'not a whole number'],
		['12 34', 'not a whole number'],
		['abc', 'not a whole number'],
		['12/../34', 'not a whole number'],
		['12?x=1', 'not a whole number'],
		['12#frag', 'not a whole number'],
		['%31%32', 'not a whole number'],
		[Number.NaN, 'not a whole number'],
		[Number.POSITIVE_INFINITY, 'not a whole number'],
		[Number.MAX_SAFE_INTEGER + 1, `larger than ${Number.MAX_SAFE_INTEGER}, the largest ID that can be sent exactly`],
		['9007199254740993', `larger than ${Number.MAX_SAFE_INTEGER}, the largest ID that can be sent exactly`],
		[true, 'a boolean, not a number'],
		[[123], 'a list, not a number'],
		[{ id: 123 }, 'an object, not a number'],
	])('rejects %j as %s', (raw, reason) => {
		expect(parseWoodpeckerId(raw)).toEqual({ valid: false, reason });
	});
});

describe('invalid ID messages', () => {
	test('name parameter, value and fix', () => {
		expect(invalidIdMessage('companyId', 'abc', 'not a whole number')).toBe(
			'Company ID "abc" is not a whole number. Enter the numeric ID of the client company in Woodpecker, for example 123.',
		);
		expect(invalidIdMessage('accountId', -4, 'not greater than zero')).toBe(
			'Account ID -4 is not greater than zero. Enter the numeric ID of the LinkedIn account in Woodpecker, for example 456.',
		);
	});

	test('empty value message', () => {
		expect(invalidIdMessage('accountId', '', 'empty')).toBe(
			'Account ID is empty. Enter the numeric ID of the LinkedIn account in Woodpecker, for example 456.',
		);
	});

	test('long values cut short', () => {
		const formatted = formatValue('x'.repeat(500));
		expect(formatted).toHaveLength(80);
		expect(formatted.endsWith('…')).toBe(true);
	});
});
