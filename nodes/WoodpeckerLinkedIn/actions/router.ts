import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
} from 'n8n-workflow';

import { invalidInputError } from '../errors';
import { invalidOptionMessage } from '../messages';
import { createWoodpeckerClient, type WoodpeckerClient } from '../transport';
import { readParallelRequests } from '../transport/settings';
import * as company from './company';
import * as linkedInAccount from './linkedInAccount';

/** An operation returns one result for its item, or a list of them for "Get Many". */
type Operation = (
	this: IExecuteFunctions,
	client: WoodpeckerClient,
	itemIndex: number,
) => Promise<IDataObject | IDataObject[]>;

const operations: Record<string, Record<string, Operation>> = {
	company: {
		getAll: company.getAll.execute,
	},
	linkedInAccount: {
		create: linkedInAccount.create.execute,
		generateConnectLink: linkedInAccount.generateConnectLink.execute,
		getAll: linkedInAccount.getAll.execute,
	},
};

/**
 * Runs the chosen operation once per input item, up to Parallel Requests items at a time. Every
 * item yields its results in input order, each with `pairedItem`: exactly one for single-result
 * operations, any number for "Get Many". An item that fails yields one error item when the node
 * continues on fail. Otherwise no further item starts, and once the items in flight are done, the
 * error of the first failed item stops the execution.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = operations[resource]?.[operation];
	if (run === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported by this version of the node`,
		);
	}
	if (items.length === 0) return [[]];

	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	let parallel: ReturnType<typeof readParallelRequests>;
	try {
		parallel = readParallelRequests(this);
	} catch (error) {
		// An expression in the option failed: every item reports it.
		parallel = { valid: false, value: error };
	}

	let client: WoodpeckerClient | undefined;
	const runItem = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		if (!parallel.valid) {
			throw parallel.value instanceof Error
				? new NodeOperationError(node, parallel.value.message, { itemIndex })
				: invalidInputError(node, invalidOptionMessage('parallelRequests', parallel.value), {}, itemIndex);
		}
		client ??= await createWoodpeckerClient(this);
		const result = await run.call(this, client, itemIndex);
		return (Array.isArray(result) ? result : [result]).map((json) => ({ json, pairedItem: { item: itemIndex } }));
	};

	const results: INodeExecutionData[][] = new Array(items.length);
	// Errors of failed items, when the node does not continue on fail.
	const failures: Array<{ itemIndex: number; error: NodeApiError | NodeOperationError }> = [];
	let nextIndex = 0;
	const worker = async () => {
		while (nextIndex < items.length && failures.length === 0) {
			const itemIndex = nextIndex++;
			try {
				results[itemIndex] = await runItem(itemIndex);
			} catch (error) {
				const itemError = toItemError(node, error, itemIndex);
				if (!continueOnFail) {
					failures.push({ itemIndex, error: itemError });
					return;
				}
				// The error is described in the json alone: n8n 2.x replaces the json of an item that
				// carries an `error` property with the bare message, losing the details.
				results[itemIndex] = [{ json: errorItemJson(itemError), pairedItem: { item: itemIndex } }];
			}
		}
	};
	const width = parallel.valid ? Math.min(parallel.value, items.length) : 1;
	await Promise.all(Array.from({ length: width }, worker));
	if (failures.length > 0) {
		throw failures.reduce((first, failure) => (failure.itemIndex < first.itemIndex ? failure : first)).error;
	}
	return [results.flat()];
}

/** Makes any error of an item an n8n node error that names the item. */
function toItemError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	// Expression errors and anything unexpected.
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}

/**
 * Builds the json of an error item: a single `error` object with the message and the details. n8n 2.x
 * sends an item to the error output when its json has an `error` and no keys besides `error`,
 * `message` and `details`, and n8n 1.x when `error` is the only key, so one key works in both.
 * There n8n merges it over the input item's json.
 */
export function errorItemJson(error: NodeApiError | NodeOperationError): IDataObject {
	const details = (error.context.details ?? {}) as IDataObject;
	const target = (error.context.target ?? {}) as IDataObject;
	return {
		error: {
			message: error.message,
			description: error.description ?? null,
			http_status: details.httpStatus ?? null,
			code: details.woodpeckerCode ?? null,
			woodpecker_message: details.woodpeckerMessage ?? null,
			request_id: details.requestId ?? null,
			timestamp: details.woodpeckerTimestamp ?? null,
			attempts: details.attempts ?? 0,
			...target,
		},
	};
}
