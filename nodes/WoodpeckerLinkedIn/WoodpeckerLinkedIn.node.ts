import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as company from './actions/company';
import * as linkedInAccount from './actions/linkedInAccount';
import * as options from './actions/options';
import { router } from './actions/router';
import { searchAccounts, searchCompanies } from './methods/listSearch';

export class WoodpeckerLinkedIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Woodpecker LinkedIn',
		name: 'woodpeckerLinkedIn',
		icon: { light: 'file:woodpecker.svg', dark: 'file:woodpecker.dark.svg' },
		group: ['transform'],
		version: 1,
		// The spaces inside "} }" matter: "}}" would end the expression early.
		subtitle:
			'={{ ({ "linkedInAccount": { "create": "Create Account", "generateConnectLink": "Generate Connect Link", "getAll": "Get Many Accounts" }, "company": { "getAll": "Get Many Companies" } })[$parameter["resource"]][$parameter["operation"]] }}',
		description: 'Generate connect links, create and list LinkedIn accounts of your Woodpecker client companies',
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
						name: 'Company',
						value: 'company',
					},
					{
						name: 'LinkedIn Account',
						value: 'linkedInAccount',
					},
				],
				default: 'linkedInAccount',
			},
			...company.description,
			...linkedInAccount.description,
			...options.description,
		],
	};

	methods = {
		listSearch: { searchCompanies, searchAccounts },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
