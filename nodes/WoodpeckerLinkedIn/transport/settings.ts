import type { IExecuteFunctions } from 'n8n-workflow';

/** Request settings of one item, from the node's Options. */
export interface RequestSettings {
	timeoutMs: number;
	maxRetries: number;
	retryDelayMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 5;
export const MAX_RETRIES_LIMIT = 10;
export const DEFAULT_RETRY_DELAY_MS = 1_000;

export type SettingsResult = { valid: true; settings: RequestSettings } | { valid: false; option: string; value: unknown };

/** Reads and checks the Options of one item; an invalid value names the option. */
export function readRequestSettings(context: IExecuteFunctions, itemIndex: number): SettingsResult {
	const timeoutMs = context.getNodeParameter('options.timeout', itemIndex, DEFAULT_TIMEOUT_MS);
	if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
		return { valid: false, option: 'timeout', value: timeoutMs };
	}
	const maxRetries = context.getNodeParameter('options.maxRetries', itemIndex, DEFAULT_MAX_RETRIES);
	if (
		typeof maxRetries !== 'number' ||
		!Number.isInteger(maxRetries) ||
		maxRetries < 0 ||
		maxRetries > MAX_RETRIES_LIMIT
	) {
		return { valid: false, option: 'maxRetries', value: maxRetries };
	}
	const retryDelayMs = context.getNodeParameter('options.retryDelay', itemIndex, DEFAULT_RETRY_DELAY_MS);
	if (typeof retryDelayMs !== 'number' || !Number.isFinite(retryDelayMs) || retryDelayMs < 0) {
		return { valid: false, option: 'retryDelay', value: retryDelayMs };
	}
	return { valid: true, settings: { timeoutMs: Math.ceil(timeoutMs), maxRetries, retryDelayMs } };
}

/**
 * Woodpecker works on one request per API key at a time and queues up to six more; it drops any
 * request beyond those at once. Seven in flight keep its queue full without a drop.
 */
export const MAX_PARALLEL_REQUESTS = 7;
export const DEFAULT_PARALLEL_REQUESTS = 1;

/**
 * Reads how many items the node works on at once. n8n reads it from the first item, because one
 * execution has one setting.
 */
export function readParallelRequests(
	context: IExecuteFunctions,
): { valid: true; value: number } | { valid: false; value: unknown } {
	const value = context.getNodeParameter('options.parallelRequests', 0, DEFAULT_PARALLEL_REQUESTS);
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PARALLEL_REQUESTS) {
		return { valid: false, value };
	}
	return { valid: true, value };
}
