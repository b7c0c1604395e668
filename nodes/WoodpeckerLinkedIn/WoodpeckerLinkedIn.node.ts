import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as linkedInAccount from './actions/linkedInAccount';
import * as options from './actions/options';
import { router } from './actions/router';

export class WoodpeckerLinkedIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Woodpecker LinkedIn',
		name: 'woodpeckerLinkedIn',
		icon: { light: 'file:woodpecker.svg', dark: 'file:woodpecker.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "generateConnectLink" ? "Generate Connect Link" : $parameter["operation"] }}',
		description: 'Generate the links your clients open to connect LinkedIn accounts to Woodpecker',
		defaults: {
			name: 'Woodpecker LinkedIn',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'woodpeckerApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'LinkedIn Account',
						value: 'linkedInAccount',
					},
				],
				default: 'linkedInAccount',
			},
			...linkedInAccount.description,
			...options.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
