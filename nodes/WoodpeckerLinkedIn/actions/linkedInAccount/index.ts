import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as generateConnectLink from './generateConnectLink.operation';
import * as getAll from './getAll.operation';

export { create, generateConnectLink, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['linkedInAccount'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create an account',
				description:
					"Add a new LinkedIn account to a client company and get its first connect link. It takes one of the company's paid LinkedIn account slots. To reconnect an account that already exists, use Generate Connect Link.",
			},
			{
				name: 'Generate Connect Link',
				value: 'generateConnectLink',
				action: 'Generate a connect link',
				description:
					'Create a link that the account owner opens to log in and connect, or reconnect, an existing LinkedIn account to Woodpecker. The link is valid for 48 hours.',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many accounts',
				description: 'List the LinkedIn accounts of a client company, for example the disconnected ones',
			},
		],
		default: 'generateConnectLink',
	},
	...create.description,
	...generateConnectLink.description,
	...getAll.description,
];
