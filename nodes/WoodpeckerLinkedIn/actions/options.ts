import type { INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_MAX_RETRIES,
	DEFAULT_PARALLEL_REQUESTS,
	DEFAULT_RETRY_DELAY_MS,
	DEFAULT_TIMEOUT_MS,
	MAX_PARALLEL_REQUESTS,
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
				displayName: 'Parallel Requests',
				name: 'parallelRequests',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_PARALLEL_REQUESTS, numberPrecision: 0 },
				default: DEFAULT_PARALLEL_REQUESTS,
				description:
					'How many items to send to Woodpecker at once. Woodpecker works on one request per API key at a time and queues up to 6 more, so 7 keeps it busy without a rejection; 1 sends one request at a time. Other workflows and tools that use the same API key share that queue, and their rejected requests are retried. Output items keep the order of the input items. Read from the first item.',
			},
			{
				displayName: 'Retry Delay',
				name: 'retryDelay',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_RETRY_DELAY_MS,
				description:
					'Longest wait before the first retry, in milliseconds: the wait is picked at random between half and all of it, so that clients sharing a key spread out. Each further retry can wait twice as long, up to 30 seconds, and a Retry-After header from Woodpecker takes precedence, up to 60 seconds.',
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
