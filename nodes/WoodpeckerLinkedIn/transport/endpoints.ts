/**
 * The Woodpecker endpoints the node calls, each checking the shape of its success body. Field
 * names follow Woodpecker's API documentation.
 */
import type { IDataObject } from 'n8n-workflow';

import type { WoodpeckerClient, WoodpeckerRequest, WoodpeckerResponse } from './index';

/** Companies per page of the agency's company list, as Woodpecker documents it. */
export const COMPANIES_PAGE_SIZE = 50;

function readObject(body: unknown): IDataObject | undefined {
	return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as IDataObject) : undefined;
}

async function requestList(
	client: WoodpeckerClient,
	request: WoodpeckerRequest,
	field: string,
): Promise<{ list: IDataObject[]; body: IDataObject; response: WoodpeckerResponse }> {
	const response = await client.request(request);
	const body = readObject(response.body);
	const list = body?.[field];
	if (body === undefined || !Array.isArray(list)) throw client.missingField(field, request, response);
	return { list: list as IDataObject[], body, response };
}

export interface CompanyPage {
	companies: IDataObject[];
	/** Number of pages Woodpecker reports, or undefined when it sent none. */
	totalPages: number | undefined;
}

/** Fetches one page (from 1) of the agency's client companies, only active ones if asked. */
export async function fetchCompanyPage(
	client: WoodpeckerClient,
	page: number,
	activeOnly: boolean,
	itemIndex: number,
): Promise<CompanyPage> {
	const qs: IDataObject = { page };
	if (activeOnly) qs.active = true;
	const { list, body } = await requestList(
		client,
		{ method: 'GET', path: '/rest/v2/agency/companies', qs, target: {}, itemIndex },
		'content',
	);
	const totalPages = readObject(body.pagination_data)?.total_pages;
	return { companies: list, totalPages: typeof totalPages === 'number' ? totalPages : undefined };
}

/**
 * Fetches the LinkedIn accounts of a client company, optionally of one session status. The
 * agency key reaches the company through the `x-company-id` header.
 */
export async function fetchLinkedInAccounts(
	client: WoodpeckerClient,
	companyId: number,
	sessionStatus: string | undefined,
	itemIndex: number,
): Promise<IDataObject[]> {
	// NOTE: Woodpecker documents x-company-id for headquarters keys in general, not for this
	// endpoint in particular.
	const { list } = await requestList(
		client,
		{
			method: 'GET',
			path: '/rest/v2/linkedin_accounts',
			qs: sessionStatus ? { status: sessionStatus } : undefined,
			headers: { 'x-company-id': String(companyId) },
			target: { companyId },
			itemIndex,
		},
		'linkedin_accounts',
	);
	return list;
}

/** One webhook subscription: Woodpecker posts `event` to `target_url`. */
export interface WebhookSubscription {
	target_url: string;
	event: string;
}

/**
 * Request of a webhook call. Without a company it acts for the API key's own account; with one,
 * the agency key acts for that client company through `x-company-id`.
 * NOTE: Woodpecker documents x-company-id for headquarters keys in general, not for webhooks.
 */
function webhookRequest(
	method: 'GET' | 'POST',
	path: string,
	companyId: number | undefined,
	body?: IDataObject,
): WoodpeckerRequest {
	return {
		method,
		path,
		headers: companyId === undefined ? undefined : { 'x-company-id': String(companyId) },
		body,
		target: { companyId, action: 'webhooks' },
		itemIndex: 0,
	};
}

/** Lists every webhook subscription of the account, including those that other tools made. */
export async function fetchWebhookSubscriptions(
	client: WoodpeckerClient,
	companyId: number | undefined,
): Promise<WebhookSubscription[]> {
	const request = webhookRequest('GET', '/rest/v2/webhooks', companyId);
	const { list, response } = await requestList(client, request, 'webhooks');
	return list.map((entry) => {
		if (typeof entry?.target_url !== 'string' || typeof entry.event !== 'string') {
			throw client.missingField('webhooks', request, response);
		}
		return { target_url: entry.target_url, event: entry.event };
	});
}

export async function subscribeWebhook(
	client: WoodpeckerClient,
	subscription: WebhookSubscription,
	companyId: number | undefined,
): Promise<void> {
	await client.request(webhookRequest('POST', '/rest/v1/webhooks/subscribe', companyId, { ...subscription }));
}

/** Removes one subscription. Woodpecker responds with 200 and no body. */
export async function unsubscribeWebhook(
	client: WoodpeckerClient,
	subscription: WebhookSubscription,
	companyId: number | undefined,
): Promise<void> {
	await client.request({
		...webhookRequest('POST', '/rest/v1/webhooks/unsubscribe', companyId, { ...subscription }),
		emptyBodyExpected: true,
	});
}
