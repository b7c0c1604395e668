/**
 * nock interceptors for the Woodpecker API that also record each request as it arrived, so
 * tests can assert the exact method, path, headers and body.
 */
import nock from 'nock';

import { TEST_BASE_URL } from './harness';

export interface RecordedRequest {
	method: string;
	path: string;
	headers: Record<string, unknown>;
	body: string;
}

export function connectLinkPath(companyId: number | string, accountId: number | string): string {
	return `/rest/v2/agency/companies/${companyId}/linkedin_accounts/${accountId}/generate-connect-link`;
}

/** A scope on the test base URL whose requests are appended to `recorded`. */
export function woodpeckerScope(recorded: RecordedRequest[], baseUrl = TEST_BASE_URL): nock.Scope {
	const scope = nock(baseUrl);
	scope.on('request', (request: { method: string; path: string; headers: Record<string, unknown> }, _interceptor: unknown, body: string) => {
		recorded.push({ method: request.method, path: request.path, headers: { ...request.headers }, body });
	});
	return scope;
}

/** The request the node must send for one item of Generate Connect Link. */
export function expectedConnectLinkRequest(apiKey: string, companyId: number, accountId: number) {
	return {
		method: 'POST',
		path: connectLinkPath(companyId, accountId),
		headers: expect.objectContaining({ 'x-api-key': apiKey, 'content-type': 'application/json' }),
		body: '',
	};
}
