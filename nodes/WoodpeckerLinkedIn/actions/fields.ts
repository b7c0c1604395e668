import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

const ID_VALIDATION = [
	{
		type: 'regex' as const,
		properties: { regex: '^\\s*\\d+(\\.0+)?\\s*$', errorMessage: 'Enter a numeric ID, for example 123' },
	},
];

interface LocatorSpec {
	displayName: string;
	name: string;
	listPlaceholder: string;
	searchListMethod: string;
	idPlaceholder: string;
}

/**
 * Builds a resource locator: a searchable list, or a numeric ID typed in or given by an
 * expression. Without display options it always shows.
 */
function idLocator(
	spec: LocatorSpec,
	displayOptions: IDisplayOptions | undefined,
	description: string,
	required = true,
): INodeProperties {
	return {
		displayName: spec.displayName,
		name: spec.name,
		type: 'resourceLocator',
		required,
		default: { mode: 'list', value: '' },
		description,
		...(displayOptions && { displayOptions }),
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: spec.listPlaceholder,
				typeOptions: { searchListMethod: spec.searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: spec.idPlaceholder,
				validation: ID_VALIDATION,
			},
		],
	};
}

/**
 * Builds the Company field. Workflows saved when this was a plain text field keep their value,
 * because n8n reads a plain value as it is.
 */
export function companyLocator(
	displayOptions: IDisplayOptions | undefined,
	description: string,
	required = true,
): INodeProperties {
	return idLocator(
		{
			displayName: 'Company',
			name: 'companyId',
			listPlaceholder: 'Select a client company…',
			searchListMethod: 'searchCompanies',
			idPlaceholder: 'e.g. 123',
		},
		displayOptions,
		description,
		required,
	);
}

/** Builds the LinkedIn Account field, listing the accounts of the chosen company. */
export function accountLocator(displayOptions: IDisplayOptions, description: string): INodeProperties {
	return idLocator(
		{
			displayName: 'LinkedIn Account',
			name: 'accountId',
			listPlaceholder: 'Select a LinkedIn account…',
			searchListMethod: 'searchAccounts',
			idPlaceholder: 'e.g. 456',
		},
		displayOptions,
		description,
	);
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
