import type { INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_MAX_RETRIES,
	DEFAULT_RETRY_DELAY_MS,
	DEFAULT_TIMEOUT_MS,
	MAX_RETRIES_LIMIT,
} from '../transport/settings';

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
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_RETRIES_LIMIT, numberPrecision: 0 },
				default: DEFAULT_MAX_RETRIES,
				description:
					'How many times to send a request again after Woodpecker rejected it as too many requests (429), failed with a 5xx error, the connection was reset, or the request timed out. Invalid IDs, a wrong API key and unknown companies or accounts are never retried. 0 turns retries off.',
			},
			{
				displayName: 'Retry Delay',
				name: 'retryDelay',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_RETRY_DELAY_MS,
				description:
					'Wait before the first retry, in milliseconds. Each further retry waits about twice as long, up to 30 seconds, and a Retry-After header from Woodpecker takes precedence, up to 60 seconds.',
			},
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
