'use strict';

/**
 * Workflows and credentials for the end-to-end suite and the demo: a Manual Trigger, a Code
 * node emitting CRM-like rows, the Woodpecker LinkedIn node, and one node on each of its outputs.
 */

const { NODE_TYPE } = require('./n8n');

const WOODPECKER_NODE = 'Woodpecker LinkedIn';

/** Builds a credential for `n8n import:credentials`, which encrypts the plain data on import. */
function woodpeckerCredential(id, name, apiKey, baseUrl) {
	return { id, name, type: 'woodpeckerApi', data: { apiKey, baseUrl } };
}

/**
 * Builds a workflow that generates a connect link for each row. `rows` become the items of a Code
 * node, and the ids are read from each row with expressions, as after a CRM trigger. `options` are
 * the node's Options, such as `{ retryDelay: 10 }`.
 */
function connectLinkWorkflow({ id, name, rows, onError, credential, options = {} }) {
	const nodes = [
		{
			id: 'trigger',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'rows',
			name: 'CRM rows',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 0],
			parameters: { jsCode: `return ${JSON.stringify(rows.map((json) => ({ json })))};` },
		},
		{
			id: 'woodpecker',
			name: WOODPECKER_NODE,
			type: NODE_TYPE,
			typeVersion: 1,
			position: [440, 0],
			onError,
			parameters: {
				resource: 'linkedInAccount',
				operation: 'generateConnectLink',
				companyId: '={{ $json.company_id }}',
				accountId: '={{ $json.account_id }}',
				options,
			},
			credentials: { woodpeckerApi: { id: credential.id, name: credential.name } },
		},
		{
			id: 'send',
			name: 'Send link to client',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [680, -100],
			parameters: {},
		},
	];
	const outputs = [[{ node: 'Send link to client', type: 'main', index: 0 }]];
	if (onError === 'continueErrorOutput') {
		nodes.push({
			id: 'failures',
			name: 'Report failure',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [680, 100],
			parameters: {},
		});
		outputs.push([{ node: 'Report failure', type: 'main', index: 0 }]);
	}
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes,
		connections: {
			Start: { main: [[{ node: 'CRM rows', type: 'main', index: 0 }]] },
			'CRM rows': { main: [[{ node: WOODPECKER_NODE, type: 'main', index: 0 }]] },
			[WOODPECKER_NODE]: { main: outputs },
		},
	};
}

const HTTP_REQUEST_NODE = 'HTTP Request';

/** Builds a Header Auth credential that sends the API key as `x-api-key`, as a user would set it up. */
function headerAuthCredential(id, name, apiKey) {
	return { id, name, type: 'httpHeaderAuth', data: { name: 'x-api-key', value: apiKey } };
}

/**
 * Builds the workflow of connectLinkWorkflow with n8n's HTTP Request node in place of the
 * Woodpecker LinkedIn node, set up as a user would: POST to the same URL, the key in a Header Auth
 * credential, and the node's default options.
 */
function httpRequestWorkflow({ id, name, rows, onError, credential, baseUrl }) {
	const workflow = connectLinkWorkflow({ id, name, rows, onError, credential });
	const node = workflow.nodes.find((candidate) => candidate.name === WOODPECKER_NODE);
	Object.assign(node, {
		name: HTTP_REQUEST_NODE,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.5,
		parameters: {
			method: 'POST',
			url: `=${baseUrl}/rest/v2/agency/companies/{{ $json.company_id }}/linkedin_accounts/{{ $json.account_id }}/generate-connect-link`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			options: {},
		},
		credentials: { httpHeaderAuth: { id: credential.id, name: credential.name } },
	});
	workflow.connections['CRM rows'].main[0][0].node = HTTP_REQUEST_NODE;
	workflow.connections[HTTP_REQUEST_NODE] = workflow.connections[WOODPECKER_NODE];
	delete workflow.connections[WOODPECKER_NODE];
	return workflow;
}

module.exports = {
	HTTP_REQUEST_NODE,
	WOODPECKER_NODE,
	connectLinkWorkflow,
	headerAuthCredential,
	httpRequestWorkflow,
	woodpeckerCredential,
};
