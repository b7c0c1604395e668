/**
 * The node as an AI agent tool. n8n builds the tool's argument schema from the `$fromAI()`
 * placeholders in the node's parameters, and runs the node with the agent's arguments as its
 * input item, where `$fromAI()` reads them.
 */
import { createNodeAsTool } from 'n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool';
import type { INode } from 'n8n-workflow';

import { WoodpeckerLinkedIn } from '../../nodes/WoodpeckerLinkedIn/WoodpeckerLinkedIn.node';
import { NODE_NAME, NODE_TYPE, runWorkflow, TEST_API_KEY } from './harness';
import { connectLinkPath, expectedConnectLinkRequest, woodpeckerScope, type RecordedRequest } from './woodpecker-mock';

const TOOL_PARAMETERS = {
	resource: 'linkedInAccount',
	operation: 'generateConnectLink',
	companyId: {
		__rl: true,
		mode: 'id',
		value: "={{ $fromAI('company_id', 'Numeric ID of the client company in Woodpecker', 'number') }}",
	},
	accountId: {
		__rl: true,
		mode: 'id',
		value: "={{ $fromAI('account_id', 'Numeric ID of the LinkedIn account in Woodpecker', 'number') }}",
	},
};

describe('AI agent tool', () => {
	test('node declares tool use', () => {
		expect(new WoodpeckerLinkedIn().description.usableAsTool).toBe(true);
	});

	test('schema from agent placeholders', async () => {
		const node: INode = {
			id: 'tool',
			name: NODE_NAME,
			type: NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: TOOL_PARAMETERS,
		};

		const { response: tool } = createNodeAsTool({
			node,
			nodeType: new WoodpeckerLinkedIn(),
			handleToolInvocation: async () => 'unused',
		});

		expect(tool.name).toBe('Woodpecker_LinkedIn');
		expect(tool.description).toContain('connect link');
		const shape = tool.schema.shape;
		expect(Object.keys(shape).sort()).toEqual(['account_id', 'company_id']);
		expect(shape.company_id.description).toBe('Numeric ID of the client company in Woodpecker');
		expect(tool.schema.safeParse({ company_id: 123, account_id: 456 }).success).toBe(true);
		expect(tool.schema.safeParse({ company_id: 'abc', account_id: 456 }).success).toBe(false);
	});

	test('agent arguments drive the request', async () => {
		const link = 'https://app.woodpecker.co/linkedin/connect?token=sbx_99999999999999999999999999999999';
		const recorded: RecordedRequest[] = [];
		const scope = woodpeckerScope(recorded)
			.post(connectLinkPath(123, 456))
			.reply(201, { account_id: 456, connect_account_link: link });

		// The agent's arguments arrive as the json of the node's input item.
		const result = await runWorkflow({
			items: [{ company_id: 123, account_id: 456 }],
			parameters: TOOL_PARAMETERS,
		});

		expect(scope.isDone()).toBe(true);
		expect(recorded).toEqual([expectedConnectLinkRequest(TEST_API_KEY, 123, 456)]);
		expect(result.success).toEqual([
			{
				json: { account_id: 456, connect_account_link: link, company_id: 123, expires_at: expect.any(String) },
				pairedItem: { item: 0 },
			},
		]);
	});
});
