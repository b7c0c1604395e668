/**
 * Runs the Woodpecker LinkedIn Trigger through n8n-core's real contexts. Its webhook methods run
 * in a HookContext, as when n8n activates or deactivates a workflow. A delivery runs in a
 * WebhookContext, as when a request reaches the webhook; only its request and response objects
 * are stand-ins.
 */
import { HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeParameters,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { WoodpeckerLinkedInTrigger } from '../../nodes/WoodpeckerLinkedInTrigger/WoodpeckerLinkedInTrigger.node';
import { TEST_API_KEY, TEST_BASE_URL, TestNodeTypes, testAdditionalData, TRIGGER_TYPE } from './harness';
import { logLines, type LogLine } from './test-logger';

export const TRIGGER_NAME = 'Woodpecker LinkedIn Trigger';
export const WEBHOOK_ID = '7f3c1e2a-5b6d-4c8e-9f01-23456789abcd';
/** The production URL n8n gives the trigger with the test base URL. */
export const WEBHOOK_URL = `http://127.0.0.1:5678/webhook/${WEBHOOK_ID}/webhook`;
export const TEST_WEBHOOK_URL = `http://127.0.0.1:5678/webhook-test/${WEBHOOK_ID}/webhook`;

export interface TriggerSetup {
	parameters: INodeParameters;
	/** The node's static data before the call, as n8n keeps it between activations. */
	staticData?: IDataObject;
	credentials?: ICredentialDataDecryptedObject;
}

function buildWorkflow(setup: TriggerSetup) {
	const node: INode = {
		id: 'trigger',
		name: TRIGGER_NAME,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: WEBHOOK_ID,
		parameters: setup.parameters,
		credentials: { woodpeckerApi: { id: '1', name: 'Woodpecker sandbox' } },
	};
	const staticData = setup.staticData === undefined ? {} : { [`node:${TRIGGER_NAME}`]: structuredClone(setup.staticData) };
	const workflow = new Workflow({
		id: 'workflow-trigger-test',
		nodes: [node],
		connections: {},
		nodeTypes: new TestNodeTypes(),
		active: true,
		staticData,
	});
	const credentials = { woodpeckerApi: setup.credentials ?? { apiKey: TEST_API_KEY, baseUrl: TEST_BASE_URL } };
	return { workflow, node: workflow.getNode(TRIGGER_NAME)!, credentials };
}

export interface HookResult {
	result?: boolean;
	error?: Error & { description?: string | null };
	/** The node's static data after the call. */
	staticData: IDataObject;
	/** Whether n8n would save the static data after the call. */
	staticDataChanged: boolean;
	logs: LogLine[];
}

/**
 * Calls one of the trigger's webhook methods as n8n does on activation (`test: false`) or
 * while the editor listens for a test event (`test: true`).
 */
export async function runWebhookMethod(
	method: 'checkExists' | 'create' | 'delete',
	setup: TriggerSetup,
	{ test = false } = {},
): Promise<HookResult> {
	logLines.length = 0;
	const { workflow, node, credentials } = buildWorkflow(setup);
	const additionalData = testAdditionalData(credentials);
	const webhookData = { isTest: test } as IWebhookData;
	const context = new HookContext(workflow, node, additionalData, test ? 'manual' : 'trigger', test ? 'manual' : 'activate', webhookData);
	const trigger = new WoodpeckerLinkedInTrigger();
	const outcome: HookResult = { staticData: {}, staticDataChanged: false, logs: [] };
	try {
		outcome.result = await trigger.webhookMethods.default[method].call(context);
	} catch (error) {
		outcome.error = error as HookResult['error'];
	}
	outcome.staticData = JSON.parse(JSON.stringify(workflow.staticData[`node:${TRIGGER_NAME}`] ?? {})) as IDataObject;
	outcome.staticDataChanged = (workflow.staticData as { __dataChanged?: boolean }).__dataChanged === true;
	outcome.logs = [...logLines];
	return outcome;
}

export interface IncomingRequest {
	method?: string;
	headers?: Record<string, string>;
	body?: unknown;
}

export interface DeliveryResult {
	/** What the node returned to n8n. */
	returned: IWebhookResponseData;
	/** The status and JSON the node wrote itself, if it responded to the request. */
	response: { status: number; body: unknown } | undefined;
	logs: LogLine[];
}

/** Hands one request to the trigger's webhook as n8n does when it reaches the production URL. */
export async function deliver(setup: TriggerSetup, request: IncomingRequest): Promise<DeliveryResult> {
	logLines.length = 0;
	const { workflow, node, credentials } = buildWorkflow(setup);
	let response: DeliveryResult['response'];
	const httpResponse = {
		statusCode: 200,
		status(code: number) {
			this.statusCode = code;
			return this;
		},
		json(body: unknown) {
			response = { status: this.statusCode, body };
			return this;
		},
	};
	const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
	const additionalData = {
		...testAdditionalData(credentials),
		httpRequest: { method: request.method ?? 'POST', headers, body: request.body, query: {}, params: {} },
		httpResponse,
	} as unknown as IWorkflowExecuteAdditionalData;
	const trigger = new WoodpeckerLinkedInTrigger();
	const webhookData = {
		httpMethod: 'POST',
		node: TRIGGER_NAME,
		path: `${WEBHOOK_ID}/webhook`,
		webhookDescription: trigger.description.webhooks![0],
		workflowId: workflow.id,
		isTest: false,
	} as IWebhookData;
	const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null);
	const returned = await trigger.webhook.call(context);
	return { returned, response, logs: [...logLines] };
}
