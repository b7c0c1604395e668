import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
} from 'n8n-workflow';

import { createWoodpeckerClient, type WoodpeckerClient } from '../transport';
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
 * Runs the chosen operation once per input item, in order. Every item yields its results, each
 * with `pairedItem`: exactly one for single-result operations, any number for "Get Many". An item
 * that fails yields one error item when the node continues on fail.
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

	const returnData: INodeExecutionData[] = [];
	let client: WoodpeckerClient | undefined;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			client ??= await createWoodpeckerClient(this);
			const result = await run.call(this, client, itemIndex);
			for (const json of Array.isArray(result) ? result : [result]) {
				returnData.push({ json, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const itemError = toItemError(this.getNode(), error, itemIndex);
			if (!this.continueOnFail()) {
				throw itemError;
			}
			// The error is described in the json alone: n8n 2.x replaces the json of an item that
			// carries an `error` property with the bare message, losing the details.
			returnData.push({ json: errorItemJson(itemError), pairedItem: { item: itemIndex } });
		}
	}
	return [returnData];
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
