import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalidInputError } from '../../errors';
import { invalidTimezoneMessage } from '../../messages';
import type { WoodpeckerClient } from '../../transport';
import { companyLocator } from '../fields';
import { readIds } from '../parameters';
import { LINK_VALIDITY_MS } from './generateConnectLink.operation';

const displayOptions = {
	show: { resource: ['linkedInAccount'], operation: ['create'] },
};

/**
 * Time zones offered in the list: the canonical IANA zones of the runtime's time zone database.
 * NOTE: Woodpecker accepts a fixed list of canonical IANA zones that it does not publish, so a
 * zone from this list can still be rejected, and Woodpecker then returns HTTP 400.
 */
export const TIME_ZONES = Intl.supportedValuesOf('timeZone');

// UTC, GMT and Area/Location names such as America/Argentina/Buenos_Aires, and nothing that could
// alter the body.
const TIME_ZONE_FORMAT = /^(?:UTC|GMT|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/;

export const description: INodeProperties[] = [
	companyLocator(displayOptions, 'The client company to add the LinkedIn account to'),
	{
		displayName: 'Time Zone',
		name: 'timezone',
		type: 'options',
		required: true,
		default: 'Europe/London',
		options: TIME_ZONES.map((zone) => ({ name: zone.replace(/_/g, ' '), value: zone })),
		description:
			"Time zone of the account's owner, in which Woodpecker schedules the account's LinkedIn actions. An expression must give an IANA name such as Europe/Warsaw.",
		displayOptions,
	},
];

export async function execute(
	this: IExecuteFunctions,
	client: WoodpeckerClient,
	itemIndex: number,
): Promise<IDataObject> {
	const { companyId } = readIds(this, ['companyId'], itemIndex);
	const timezone = this.getNodeParameter('timezone', itemIndex);
	if (typeof timezone !== 'string' || !TIME_ZONE_FORMAT.test(timezone.trim())) {
		throw invalidInputError(this.getNode(), invalidTimezoneMessage(timezone), { company_id: companyId }, itemIndex);
	}

	const request = {
		method: 'POST' as const,
		path: `/rest/v2/agency/companies/${companyId}/linkedin_accounts`,
		body: { timezone: timezone.trim() },
		target: { companyId, action: 'createAccount' as const },
		itemIndex,
	};
	const response = await client.request(request);

	// NOTE: Woodpecker does not document the field names of this response, so they are taken to
	// be those of Generate Connect Link.
	const body = (response.body ?? {}) as IDataObject;
	if (typeof body.account_id !== 'number' && typeof body.account_id !== 'string') {
		throw client.missingField('account_id', request, response);
	}
	if (typeof body.connect_account_link !== 'string' || body.connect_account_link === '') {
		throw client.missingField('connect_account_link', request, response);
	}

	return {
		account_id: body.account_id,
		connect_account_link: body.connect_account_link,
		company_id: companyId,
		timezone: timezone.trim(),
		expires_at: new Date(response.receivedAt.getTime() + LINK_VALIDITY_MS).toISOString(),
	};
}
