import type { IDataObject } from 'n8n-workflow';

import { invalidIdMessage } from '../../nodes/WoodpeckerLinkedIn/messages';
import { runWorkflow, TEST_API_KEY } from './harness';
import { connectLinkPath, expectedConnectLinkRequest, woodpeckerScope, type RecordedRequest } from './woodpecker-mock';

/** Account values an input item can carry, with the ID they must be sent as or why they fail. */
const ACCOUNT_VALUES: Array<[unknown, number | string]> = [
	[456, 456],
	['456', 456],
	['  456\t', 456],
	[42.0, 42],
	['42.0', 42],
	['0042', 42],
	[4.5, 'not a whole number'],
	[0, 'not greater than zero'],
	[-7, 'not greater than zero'],
	['-7', 'not a whole number'],
	[9007199254740993, `larger than ${Number.MAX_SAFE_INTEGER}, the largest ID that can be sent exactly`],
	['12345678901234567890', `larger than ${Number.MAX_SAFE_INTEGER}, the largest ID that can be sent exactly`],
	['', 'empty'],
	[null, 'empty'],
	[true, 'a boolean, not a number'],
	[[456], 'a list, not a number'],
	[{ id: 456 }, 'an object, not a number'],
	['456/../789', 'not a whole number'],
	['..', 'not a whole number'],
	['456?force=1', 'not a whole number'],
	['456#x', 'not a whole number'],
	['%34%35%36', 'not a whole number'],
	['456%2F789', 'not a whole number'],
	['4 56', 'not a whole number'],
];

describe('account ID input table', () => {
	test('invalid values fail only their item', async () => {
		const items = ACCOUNT_VALUES.map(([account]) => ({ company: 123, account }) as IDataObject);
		const valid = ACCOUNT_VALUES.map(([, expected], index) => ({ expected, index })).filter(
			(entry): entry is { expected: number; index: number } => typeof entry.expected === 'number',
		);
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded);
		for (const { expected } of valid) {
			scope.post(connectLinkPath(123, expected)).reply(201, {
				account_id: expected,
				connect_account_link: `https://app.woodpecker.co/c?token=${expected}`,
			});
		}

		const result = await runWorkflow({
			items,
			parameters: { companyId: '={{ $json.company }}', accountId: '={{ $json.account }}' },
			onError: 'continueErrorOutput',
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded).toEqual(valid.map(({ expected }) => expectedConnectLinkRequest(TEST_API_KEY, 123, expected)));
		expect(result.success.map((item) => [item.pairedItem, item.json.account_id])).toEqual(
			valid.map(({ expected, index }) => [{ item: index }, expected]),
		);
		const invalid = ACCOUNT_VALUES.map(([raw, reason], index) => ({ raw, reason, index })).filter(
			(entry) => typeof entry.reason === 'string',
		);
		expect(result.errors.map((item) => [item.pairedItem, (item.json.error as IDataObject).message])).toEqual(
			invalid.map(({ raw, reason, index }) => [{ item: index }, invalidIdMessage('accountId', raw, reason as string)]),
		);
		expect(result.success.length + result.errors.length).toBe(items.length);
	});

	test('company values checked too', async () => {
		const recorded: RecordedRequest[] = [];
		woodpeckerScope(recorded).post(/.*/).reply(201, {});

		const result = await runWorkflow({
			items: [{ company: '123/../124', account: 456 }, { company: false, account: 456 }],
			parameters: { companyId: '={{ $json.company }}', accountId: '={{ $json.account }}' },
			onError: 'continueRegularOutput',
		});

		expect(recorded).toEqual([]);
		expect(result.success.map((item) => (item.json.error as IDataObject).message)).toEqual([
			invalidIdMessage('companyId', '123/../124', 'not a whole number'),
			invalidIdMessage('companyId', false, 'a boolean, not a number'),
		]);
		expect(result.success.map((item) => (item.json.error as IDataObject).company_id)).toEqual(['123/../124', false]);
	});

	test('failing expression fails its item', async () => {
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.post(connectLinkPath(123, 456))
			.reply(201, { account_id: 456, connect_account_link: 'https://app.woodpecker.co/c?token=1' });

		const result = await runWorkflow({
			items: [{ account: 456 }, { account: null }],
			parameters: { companyId: '123', accountId: '={{ $json.account.toFixed(0) }}' },
			onError: 'continueErrorOutput',
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded).toHaveLength(1);
		expect(result.success.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(result.errors.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(typeof (result.errors[0].json.error as IDataObject).message).toBe('string');
		expect((result.errors[0].json.error as IDataObject)).toEqual(
			expect.objectContaining({ http_status: null, attempts: 0, company_id: '123', account_id: null }),
		);
	});
});
