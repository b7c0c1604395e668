import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['company'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many companies',
				description: "List your agency's client companies, for example to go through every active client on a schedule",
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
