import type { INodeProperties } from 'n8n-workflow';

import * as generateConnectLink from './generateConnectLink.operation';

export { generateConnectLink };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['linkedInAccount'] } },
		options: [
			{
				name: 'Generate Connect Link',
				value: 'generateConnectLink',
				action: 'Generate a connect link',
				description:
					'Create a link that the account owner opens to log in and connect, or reconnect, a LinkedIn account to Woodpecker. The link is valid for 48 hours.',
			},
		],
		default: 'generateConnectLink',
	},
	...generateConnectLink.description,
];
