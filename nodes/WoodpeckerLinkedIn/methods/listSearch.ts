/**
 * Searches behind the "From List" pickers of the Company and LinkedIn Account fields.
 */
import {
	NodeOperationError,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeListSearchItems,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { createWoodpeckerClient } from '../transport';
import { fetchCompanyPage, fetchLinkedInAccounts } from '../transport/endpoints';
import { parseWoodpeckerId } from '../validation';

/** Matches found before a search returns, and pages read for one search call at most. */
const ENOUGH_MATCHES = 50;
const MAX_PAGES_PER_CALL = 10;

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.trim().toLowerCase();
	return texts.some((text) => text !== null && text !== undefined && String(text).toLowerCase().includes(needle));
}

/**
 * Lists the agency's client companies, filtered by name or ID on this side because Woodpecker's
 * list has no name filter. It reads pages until it has enough matches, and hands n8n the next
 * page as the pagination token; inactive companies are marked.
 */
export async function searchCompanies(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await createWoodpeckerClient(this);
	const results: INodeListSearchItems[] = [];
	let page = paginationToken ? Number(paginationToken) : 1;

	for (let read = 0; read < MAX_PAGES_PER_CALL; read++, page++) {
		const { companies, totalPages } = await fetchCompanyPage(client, page, false, 0);
		for (const company of companies) {
			if (!matches(filter, company.name, company.id)) continue;
			const name = company.active === false ? `${String(company.name)} (inactive)` : String(company.name);
			results.push({ name, value: String(company.id) });
		}
		const lastPage = companies.length === 0 || (totalPages !== undefined && page >= totalPages);
		if (lastPage) return { results };
		if (results.length >= ENOUGH_MATCHES) break;
	}
	return { results, paginationToken: String(page + 1) };
}

/** Lists the LinkedIn accounts of the company chosen in the Company field, with their status. */
export async function searchAccounts(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const rawCompanyId = this.getCurrentNodeParameter('companyId', { extractValue: true });
	const companyId = parseWoodpeckerId(rawCompanyId);
	if (!companyId.valid) {
		throw new NodeOperationError(this.getNode(), 'Choose the company first, then its LinkedIn accounts are listed here');
	}

	const client = await createWoodpeckerClient(this);
	const accounts = await fetchLinkedInAccounts(client, companyId.value, undefined, 0);

	const results = accounts
		.filter((account: IDataObject) => matches(filter, account.full_name, account.linkedin_url, account.id))
		.map((account: IDataObject) => ({
			name: `${typeof account.full_name === 'string' && account.full_name ? account.full_name : `Account ${String(account.id)}`} (${String(account.session_status ?? 'unknown status')})`,
			value: String(account.id),
			url: typeof account.linkedin_url === 'string' ? account.linkedin_url : undefined,
		}));
	return { results };
}
