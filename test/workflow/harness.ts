/**
 * Runs a workflow through n8n-core's real execution engine: a start node emitting test items,
 * the Woodpecker LinkedIn node, and a reading node on each of its outputs. Only the HTTP layer
 * is replaced, by nock, in the tests that use this.
 */
import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	ICredentialsHelper,
	isExpression,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowExecuteAdditionalData,
	type IConnections,
	type IVersionedNodeType,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { WoodpeckerApi } from '../../credentials/WoodpeckerApi.credentials';
import { WoodpeckerLinkedIn } from '../../nodes/WoodpeckerLinkedIn/WoodpeckerLinkedIn.node';
import { WoodpeckerLinkedInTrigger } from '../../nodes/WoodpeckerLinkedInTrigger/WoodpeckerLinkedInTrigger.node';
import { TestItems, TestRead } from './fixture-nodes';
import { logLines, type LogLine } from './test-logger';

export const NODE_TYPE = 'n8n-nodes-woodpecker-linkedin.woodpeckerLinkedIn';
export const NODE_NAME = 'Woodpecker LinkedIn';
export const TEST_BASE_URL = 'http://127.0.0.1:8788';
export const TEST_API_KEY = 'wp-test-key-5f2c9a';

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface RunOptions {
	/** json of the items the start node emits. */
	items: IDataObject[];
	/** Parameters of the Woodpecker LinkedIn node; resource and operation default to Generate Connect Link. */
	parameters: INodeParameters;
	onError?: OnError;
	credentials?: ICredentialDataDecryptedObject;
	/** Expression the node on the success output evaluates per item. */
	readOnSuccess?: string;
	/** Expression the node on the error output evaluates per item. */
	readOnError?: string;
	/**
	 * Another node in place of the Woodpecker LinkedIn node, keeping its name, with its own type
	 * registered. The benchmark compares n8n's HTTP Request node this way.
	 */
	replacement?: ReplacementNode;
	/** Leave out the reading nodes, so that only the node under test runs after the start node. */
	withoutReaders?: boolean;
}

export interface ReplacementNode {
	type: string;
	typeVersion: number;
	nodeType: INodeType | IVersionedNodeType;
	parameters: INodeParameters;
	/** Credential type and its decrypted data. */
	credential: { type: string; data: ICredentialDataDecryptedObject };
}

export interface RunResult {
	run: IRun;
	/** Items on the node's first output. */
	success: INodeExecutionData[];
	/** Items on the node's error output; empty unless On Error is "Continue (using error output)". */
	errors: INodeExecutionData[];
	/** What the reading nodes after each output produced. */
	readSuccess: IDataObject[];
	readError: IDataObject[];
	/** The execution's error when it stopped, else undefined. */
	executionError: IRun['data']['resultData']['error'];
	/** Every line logged through n8n's logger during the run. */
	logs: LogLine[];
}

export const TRIGGER_TYPE = 'n8n-nodes-woodpecker-linkedin.woodpeckerLinkedInTrigger';

export class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType> = {
		[NODE_TYPE]: new WoodpeckerLinkedIn(),
		[TRIGGER_TYPE]: new WoodpeckerLinkedInTrigger(),
		'test.items': new TestItems(),
		'test.read': new TestRead(),
	};

	constructor(replacement?: ReplacementNode) {
		if (replacement !== undefined) this.types[replacement.type] = replacement.nodeType;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.getByNameAndVersion(nodeType);
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = this.types[nodeType];
		if (type === undefined) throw new Error(`Unknown node type ${nodeType}`);
		return 'nodeVersions' in type ? type.getNodeType(version) : type;
	}

	getKnownTypes() {
		return {};
	}
}

/**
 * Applies the credential's generic authentication the way n8n's own credentials helper does,
 * resolving `={{$credentials...}}` expressions with the workflow's expression engine.
 */
class TestCredentialsHelper extends ICredentialsHelper {
	private readonly credentialType: ICredentialType = new WoodpeckerApi();

	/** Decrypted data by credential type. */
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.credentialType.authenticate;
		if (typeName !== this.credentialType.name) return requestOptions;
		if (typeof authenticate !== 'object' || !workflow || !node) return requestOptions;
		const resolve = (value: string) =>
			isExpression(value)
				? workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials })
				: value;
		const options = requestOptions as unknown as Record<string, IDataObject>;
		for (const [outerKey, properties] of Object.entries(authenticate.properties)) {
			options[outerKey] ??= {};
			for (const [key, value] of Object.entries(properties as IDataObject)) {
				options[outerKey][String(resolve(key))] = resolve(String(value)) as string;
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.data[type];
		if (data === undefined) throw new Error(`No test credential of type ${type}`);
		return { ...data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return this.credentialType.properties;
	}
}

function buildWorkflow(options: RunOptions, nodeTypes: INodeTypes): Workflow {
	const nodes: INode[] = [
		{
			id: 'start',
			name: 'Start',
			type: 'test.items',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items) },
		},
		{
			id: 'woodpecker',
			name: NODE_NAME,
			position: [200, 0],
			onError: options.onError ?? 'stopWorkflow',
			...(options.replacement === undefined
				? {
						type: NODE_TYPE,
						typeVersion: 1,
						parameters: { resource: 'linkedInAccount', operation: 'generateConnectLink', ...options.parameters },
						credentials: { woodpeckerApi: { id: '1', name: 'Woodpecker sandbox' } },
					}
				: {
						type: options.replacement.type,
						typeVersion: options.replacement.typeVersion,
						parameters: options.replacement.parameters,
						credentials: { [options.replacement.credential.type]: { id: '2', name: 'Replacement credential' } },
					}),
		},
		{
			id: 'on-success',
			name: 'On Success',
			type: 'test.read',
			typeVersion: 1,
			position: [400, -100],
			parameters: { value: options.readOnSuccess ?? '={{ $json }}' },
		},
		{
			id: 'on-error',
			name: 'On Error',
			type: 'test.read',
			typeVersion: 1,
			position: [400, 100],
			parameters: { value: options.readOnError ?? '={{ $json }}' },
		},
	];
	if (options.withoutReaders === true) {
		nodes.splice(2);
	}
	const connections: IConnections = {
		Start: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
		[NODE_NAME]: options.withoutReaders === true ? { main: [] } : {
			main: [
				[{ node: 'On Success', type: 'main', index: 0 }],
				[{ node: 'On Error', type: 'main', index: 0 }],
			],
		},
	};
	return new Workflow({ id: 'workflow-test', nodes, connections, nodeTypes, active: false });
}

export function testAdditionalData(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	extra: Partial<IWorkflowExecuteAdditionalData> = {},
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new TestCredentialsHelper(credentials),
		executionId: 'execution-test',
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
		...extra,
	} as unknown as IWorkflowExecuteAdditionalData;
}

export type ListSearchMethod = 'searchCompanies' | 'searchAccounts';

/**
 * Calls a list search of the node the way the n8n editor does, through n8n-core's real
 * LoadOptionsContext, with `parameters` as the node's current parameters.
 */
export async function runListSearch(
	method: ListSearchMethod,
	parameters: INodeParameters,
	filter?: string,
	paginationToken?: string,
	credentials: ICredentialDataDecryptedObject = { apiKey: TEST_API_KEY, baseUrl: TEST_BASE_URL },
): Promise<INodeListSearchResult> {
	const nodeTypes = new TestNodeTypes();
	const workflow = buildWorkflow({ items: [], parameters }, nodeTypes);
	const node = workflow.getNode(NODE_NAME)!;
	const additionalData = testAdditionalData({ woodpeckerApi: credentials }, { currentNodeParameters: node.parameters });
	const context = new LoadOptionsContext(workflow, node, additionalData, method === 'searchCompanies' ? 'companyId' : 'accountId');
	const nodeType = nodeTypes.getByNameAndVersion(NODE_TYPE) as WoodpeckerLinkedIn;
	return await nodeType.methods.listSearch[method].call(context, filter, paginationToken);
}

/** Runs the test workflow once and returns what each output carried. */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	logLines.length = 0;
	const nodeTypes = new TestNodeTypes(options.replacement);
	const workflow = buildWorkflow(options, nodeTypes);

	const hooks = new ExecutionLifecycleHooks('manual', 'execution-test', {
		id: 'workflow-test',
		name: 'Workflow test',
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes: [],
		connections: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	let resolveRun: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));

	const credentials = {
		woodpeckerApi: options.credentials ?? { apiKey: TEST_API_KEY, baseUrl: TEST_BASE_URL },
		...(options.replacement && { [options.replacement.credential.type]: options.replacement.credential.data }),
	};
	const additionalData = testAdditionalData(credentials, { hooks } as Partial<IWorkflowExecuteAdditionalData>);

	const startNode = workflow.getNode('Start')!;
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});

	const execute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await finished;

	const { runData } = run.data.resultData;
	const outputs = runData[NODE_NAME]?.[0]?.data?.main ?? [];
	const read = (name: string) =>
		(runData[name]?.[0]?.data?.main?.[0] ?? []).map((item: INodeExecutionData) => item.json.value as IDataObject);
	return {
		run,
		success: outputs[0] ?? [],
		errors: outputs[1] ?? [],
		readSuccess: read('On Success'),
		readError: read('On Error'),
		executionError: run.data.resultData.error,
		logs: [...logLines],
	};
}
