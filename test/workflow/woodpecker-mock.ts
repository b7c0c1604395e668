/**
 * nock interceptors for the Woodpecker API that also record each request as it arrived, so
 * tests can assert the exact method, path, headers and body.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** Creates a nock scope on the test base URL that appends each request to `recorded`. */
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

/**
 * A real HTTP server on 127.0.0.1 that closes the connection of its first `resets` requests
 * without a response, as a crashed proxy would, and responds to later ones with `status` and `body`.
 * nock can only imitate a reset, and its imitation sometimes raises the socket error twice.
 */
export async function startResettingServer(
	resets: number,
	status: number,
	body: unknown,
	recorded: RecordedRequest[],
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
	const server = createServer((request, response) => {
		let text = '';
		request.on('data', (chunk: Buffer) => (text += chunk.toString()));
		request.on('end', () => {
			recorded.push({ method: request.method ?? '', path: request.url ?? '', headers: { ...request.headers }, body: text });
			if (recorded.length <= resets) {
				request.socket.destroy();
				return;
			}
			response.writeHead(status, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify(body));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
