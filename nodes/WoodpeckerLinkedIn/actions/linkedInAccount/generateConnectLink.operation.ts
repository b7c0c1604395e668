import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { missingFieldError } from '../../errors';
import type { WoodpeckerClient } from '../../transport';
import { readIds } from '../parameters';

/** How long a connect link stays valid, as Woodpecker documents it. */
export const LINK_VALIDITY_MS = 48 * 60 * 60 * 1000;

const displayOptions = {
	show: { resource: ['linkedInAccount'], operation: ['generateConnectLink'] },
};

export const description: INodeProperties[] = [
	{
		displayName: 'Company ID',
		name: 'companyId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 123',
		description:
			'Numeric ID of the client company in your Woodpecker agency that owns the LinkedIn account. Drag in a field of the input, or write an expression, to take it from each item. Numbers and numeric text such as " 123 " are accepted.',
		displayOptions,
	},
	{
		displayName: 'Account ID',
		name: 'accountId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 456',
		description:
			'Numeric ID of the LinkedIn account in Woodpecker, not the LinkedIn profile URL. Drag in a field of the input, or write an expression, to take it from each item.',
		displayOptions,
	},
];

export async function execute(
	this: IExecuteFunctions,
	client: WoodpeckerClient,
	itemIndex: number,
): Promise<IDataObject> {
	const { companyId, accountId } = readIds(this, ['companyId', 'accountId'], itemIndex);
	const target = { companyId, accountId };

	const response = await client.request({
		method: 'POST',
		path: `/rest/v2/agency/companies/${companyId}/linkedin_accounts/${accountId}/generate-connect-link`,
		target,
		itemIndex,
	});

	const body = response.body as IDataObject | null;
	const link = typeof body === 'object' && body !== null ? body.connect_account_link : undefined;
	if (typeof link !== 'string' || link === '') {
		const failure = { node: this.getNode(), target, itemIndex, secrets: client.secrets, attempts: response.attempts };
		throw missingFieldError(failure, 'connect_account_link', response.statusCode, response.bodyText);
	}

	return {
		// NOTE: Woodpecker documents account_id in every success body; the requested ID stands
		// in only if it is ever left out.
		account_id: (body as IDataObject).account_id ?? accountId,
		connect_account_link: link,
		company_id: companyId,
		expires_at: new Date(response.receivedAt.getTime() + LINK_VALIDITY_MS).toISOString(),
	};
}
