import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS } from '../transport';

/** Request settings shared by every operation; the transport reads them per item. */
export const description: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Timeout',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_TIMEOUT_MS,
				description:
					'How long to wait for Woodpecker to answer each request, in milliseconds, before the request counts as timed out. Woodpecker can keep a request in its queue for up to 15 seconds before working on it.',
			},
		],
	},
];
