/**
 * Two tiny node types that exist only in the workflow tests: a start node that emits the items
 * a test gives it, and a node that records what a downstream node of a branch receives.
 */
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

/** Emits the items in its `items` parameter, like a CRM trigger or a spreadsheet read would. */
export class TestItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['input'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Test Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const rows = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [rows.map((json, index) => ({ json, pairedItem: { item: index } }))];
	}
}

/**
 * Evaluates its `value` parameter for each item it receives and outputs `{ value }`, so a test
 * can check what an expression in a downstream node reads from a branch.
 */
export class TestRead implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Read',
		name: 'testRead',
		group: ['transform'],
		version: 1,
		description: 'Reads an expression per item',
		defaults: { name: 'Test Read' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Value', name: 'value', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [
			items.map((_, index) => ({
				json: { value: this.getNodeParameter('value', index) as IDataObject[string] },
				pairedItem: { item: index },
			})),
		];
	}
}
