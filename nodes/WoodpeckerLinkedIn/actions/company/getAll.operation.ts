import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { WoodpeckerClient } from '../../transport';
import { fetchCompanyPage } from '../../transport/endpoints';
import { returnAllAndLimit } from '../fields';
import { readLimit } from '../parameters';

const displayOptions = {
	show: { resource: ['company'], operation: ['getAll'] },
};

export const description: INodeProperties[] = [
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
				displayName: 'Active Only',
				name: 'activeOnly',
				type: 'boolean',
				default: true,
				description: 'Whether to return only the companies that are active in Woodpecker',
			},
		],
	},
];

/** Pages through the agency's companies until the limit is reached or the pages run out. */
export async function execute(
	this: IExecuteFunctions,
	client: WoodpeckerClient,
	itemIndex: number,
): Promise<IDataObject[]> {
	const limit = readLimit(this, itemIndex, {});
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const activeOnly = filters.activeOnly === true;

	const companies: IDataObject[] = [];
	for (let page = 1; ; page++) {
		const result = await fetchCompanyPage(client, page, activeOnly, itemIndex);
		companies.push(...result.companies);
		const lastPage = result.companies.length === 0 || (result.totalPages !== undefined && page >= result.totalPages);
		if (lastPage || (limit !== undefined && companies.length >= limit)) break;
	}
	return companies.slice(0, limit);
}
