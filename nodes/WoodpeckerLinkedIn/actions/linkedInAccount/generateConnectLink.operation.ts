import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { WoodpeckerClient } from '../../transport';
import { accountLocator, companyLocator } from '../fields';
import { readIds } from '../parameters';

/** How long a connect link stays valid, as Woodpecker documents it. */
export const LINK_VALIDITY_MS = 48 * 60 * 60 * 1000;

const displayOptions = {
	show: { resource: ['linkedInAccount'], operation: ['generateConnectLink'] },
};

export const description: INodeProperties[] = [
	companyLocator(
		displayOptions,
		'The client company in your Woodpecker agency that owns the LinkedIn account. Pick it from the list, or give its numeric ID, for example with an expression that reads it from each input item.',
	),
	accountLocator(
		displayOptions,
		'The LinkedIn account in Woodpecker, not the LinkedIn profile URL. Pick it from the accounts of the chosen company, or give its numeric ID, for example from each input item.',
	),
];

export async function execute(
	this: IExecuteFunctions,
	client: WoodpeckerClient,
	itemIndex: number,
): Promise<IDataObject> {
	const { companyId, accountId } = readIds(this, ['companyId', 'accountId'], itemIndex);
	const target = { companyId, accountId };

	const request = {
		method: 'POST' as const,
		path: `/rest/v2/agency/companies/${companyId}/linkedin_accounts/${accountId}/generate-connect-link`,
		target,
		itemIndex,
	};
	const response = await client.request(request);

	const body = response.body as IDataObject | null;
	const link = typeof body === 'object' && body !== null ? body.connect_account_link : undefined;
	if (typeof link !== 'string' || link === '') {
		throw client.missingField('connect_account_link', request, response);
	}

	return {
		// NOTE: Woodpecker documents account_id in every success body. The requested ID is used
		// only if it is ever left out.
		account_id: (body as IDataObject).account_id ?? accountId,
		connect_account_link: link,
		company_id: companyId,
		expires_at: new Date(response.receivedAt.getTime() + LINK_VALIDITY_MS).toISOString(),
	};
}
