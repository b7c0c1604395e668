import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalidInputError } from '../../errors';
import { invalidFilterMessage } from '../../messages';
import type { WoodpeckerClient } from '../../transport';
import { fetchLinkedInAccounts } from '../../transport/endpoints';
import { companyLocator, returnAllAndLimit } from '../fields';
import { readIds, readLimit } from '../parameters';

const displayOptions = {
	show: { resource: ['linkedInAccount'], operation: ['getAll'] },
};

export const SESSION_STATUSES = ['CONNECTED', 'DISCONNECTED', 'WAITING_FOR_CONNECTION'];

export const description: INodeProperties[] = [
	companyLocator(displayOptions, 'The client company whose LinkedIn accounts to list'),
	...returnAllAndLimit(displayOptions),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Session Status',
				name: 'sessionStatus',
				type: 'options',
				default: 'DISCONNECTED',
				options: [
					{ name: 'Connected', value: 'CONNECTED', description: 'Logged in and usable by campaigns' },
					{
						name: 'Disconnected',
						value: 'DISCONNECTED',
						description: 'Logged out by LinkedIn: needs a new connect link',
					},
					{
						name: 'Waiting for Connection',
						value: 'WAITING_FOR_CONNECTION',
						description: 'Created, but its connect link has not been used yet',
					},
				],
				description:
					'Only accounts in this state. A status Woodpecker adds later can be given with an expression; it is sent as it is.',
			},
		],
	},
];

export async function execute(
	this: IExecuteFunctions,
	client: WoodpeckerClient,
	itemIndex: number,
): Promise<IDataObject[]> {
	const { companyId } = readIds(this, ['companyId'], itemIndex);
	const target = { company_id: companyId };
	const limit = readLimit(this, itemIndex, target);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const status = filters.sessionStatus;
	if (status !== undefined && (typeof status !== 'string' || status.trim() === '')) {
		throw invalidInputError(this.getNode(), invalidFilterMessage('Session Status', status), target, itemIndex);
	}

	const accounts = await fetchLinkedInAccounts(client, companyId, status?.trim(), itemIndex);

	return accounts.slice(0, limit).map((account) => ({ ...account, company_id: companyId }));
}
