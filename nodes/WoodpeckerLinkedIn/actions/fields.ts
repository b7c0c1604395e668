import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

const ID_VALIDATION = [
	{
		type: 'regex' as const,
		properties: { regex: '^\\s*\\d+(\\.0+)?\\s*$', errorMessage: 'Enter a numeric ID, for example 123' },
	},
];

/**
 * Builds the Company field: picked from the agency's companies or given by ID. Workflows saved when
 * this was a plain text field keep their value: n8n reads a plain value as it is.
 */
export function companyLocator(displayOptions: IDisplayOptions, description: string): INodeProperties {
	return {
		displayName: 'Company',
		name: 'companyId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description,
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a client company…',
				typeOptions: { searchListMethod: 'searchCompanies', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 123',
				validation: ID_VALIDATION,
			},
		],
	};
}

/** Builds the LinkedIn Account field: picked from the chosen company's accounts or given by ID. */
export function accountLocator(displayOptions: IDisplayOptions, description: string): INodeProperties {
	return {
		displayName: 'LinkedIn Account',
		name: 'accountId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description,
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a LinkedIn account…',
				typeOptions: { searchListMethod: 'searchAccounts', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 456',
				validation: ID_VALIDATION,
			},
		],
	};
}

/** Return All and Limit, as every n8n "Get Many" operation offers them. */
export function returnAllAndLimit(displayOptions: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions,
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { ...displayOptions, show: { ...displayOptions.show, returnAll: [false] } },
		},
	];
}
