/**
 * The trigger's webhook lifecycle. Activating a workflow subscribes the node's webhook URL to each
 * selected event that lacks that exact subscription. Deactivating it removes exactly the
 * subscriptions the node recorded, and nothing else of the account.
 */
import { NodeApiError, NodeOperationError, type IHookFunctions, type INode } from 'n8n-workflow';

import {
	invalidIdMessage,
	localWebhookUrlMessage,
	NO_EVENTS_MESSAGE,
	TRIGGER_NOT_ACTIVATED,
	unknownEventsMessage,
	webhookLimitMessage,
} from '../WoodpeckerLinkedIn/messages';
import {
	createWoodpeckerClient,
	CREDENTIAL_NAME,
	DEFAULT_BASE_URL,
	normaliseBaseUrl,
	type WoodpeckerClient,
} from '../WoodpeckerLinkedIn/transport';
import {
	fetchWebhookSubscriptions,
	subscribeWebhook,
	unsubscribeWebhook,
	type WebhookSubscription,
} from '../WoodpeckerLinkedIn/transport/endpoints';
import { parseWoodpeckerId } from '../WoodpeckerLinkedIn/validation';
import { eventLabel, isEventName, type EventName } from './events';

/** Woodpecker accepts at most this many subscriptions to one event per account. */
export const SUBSCRIPTIONS_PER_EVENT = 3;

/** A subscription the node made or found with its own URL, kept in the workflow's static data. */
export interface StoredSubscription {
	event: string;
	targetUrl: string;
	/** The company whose account it belongs to, or null for the API key's own account. */
	companyId: number | null;
}

interface TriggerStaticData {
	subscriptions?: StoredSubscription[];
}

interface Setup {
	events: EventName[];
	companyId: number | undefined;
	targetUrl: string;
}

/** Reads the selected events, the optional company, and the webhook URL n8n gave the node. */
export function readEvents(node: INode, raw: unknown): EventName[] {
	if (!Array.isArray(raw) || raw.length === 0) {
		throw new NodeOperationError(node, NO_EVENTS_MESSAGE, { description: TRIGGER_NOT_ACTIVATED });
	}
	if (!raw.every(isEventName)) {
		throw new NodeOperationError(node, unknownEventsMessage(raw), { description: TRIGGER_NOT_ACTIVATED });
	}
	return [...new Set(raw)];
}

/** Reads the optional Company: undefined when empty, else a valid Woodpecker ID. */
export function readCompany(node: INode, raw: unknown): number | undefined {
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return undefined;
	const result = parseWoodpeckerId(raw);
	if (!result.valid) {
		throw new NodeOperationError(node, invalidIdMessage('companyId', raw, result.reason), {
			description: TRIGGER_NOT_ACTIVATED,
		});
	}
	return result.value;
}

function readSetup(context: IHookFunctions): Setup {
	const node = context.getNode();
	const events = readEvents(node, context.getNodeParameter('events', []));
	const companyId = readCompany(node, context.getNodeParameter('companyId', '', { extractValue: true }));
	const targetUrl = context.getNodeWebhookUrl('default');
	if (targetUrl === undefined) {
		throw new NodeOperationError(node, 'n8n gave this trigger no webhook URL. Save the workflow and activate it again.', { description: TRIGGER_NOT_ACTIVATED });
	}
	return { events, companyId, targetUrl };
}

function staticData(context: IHookFunctions): TriggerStaticData {
	return context.getWorkflowStaticData('node') as TriggerStaticData;
}

function toWoodpecker(subscription: StoredSubscription): WebhookSubscription {
	return { target_url: subscription.targetUrl, event: subscription.event };
}

const LOCAL_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;

/**
 * Fails when the webhook URL points at this machine while the base URL does not, because then
 * Woodpecker could never deliver an event. n8n builds the URL from WEBHOOK_URL, or from its host
 * and port, which are localhost unless set.
 */
async function checkReachable(context: IHookFunctions, targetUrl: string): Promise<void> {
	const credentials = await context.getCredentials(CREDENTIAL_NAME);
	const baseUrl = normaliseBaseUrl(credentials.baseUrl ?? DEFAULT_BASE_URL);
	if (baseUrl === undefined) return;
	const targetHost = new URL(targetUrl).hostname;
	if (LOCAL_HOSTS.test(targetHost) && !LOCAL_HOSTS.test(new URL(baseUrl).hostname)) {
		throw new NodeOperationError(context.getNode(), localWebhookUrlMessage(targetUrl), { description: TRIGGER_NOT_ACTIVATED });
	}
}

/** Checks whether every selected event is already subscribed with the node's webhook URL. */
export async function subscriptionsExist(this: IHookFunctions): Promise<boolean> {
	const setup = readSetup(this);
	const client = await createWoodpeckerClient(this);
	const existing = await fetchWebhookSubscriptions(client, setup.companyId);
	return setup.events.every((event) =>
		existing.some((subscription) => subscription.event === event && subscription.target_url === setup.targetUrl),
	);
}

/**
 * Subscribes the node's webhook URL to each selected event that lacks it. An event that already
 * has as many subscriptions as Woodpecker allows fails the activation, and what this call
 * subscribed before is removed again, so that a failed activation leaves nothing behind.
 */
export async function subscribe(this: IHookFunctions): Promise<boolean> {
	const node = this.getNode();
	const setup = readSetup(this);
	await checkReachable(this, setup.targetUrl);
	const client = await createWoodpeckerClient(this);
	const existing = await fetchWebhookSubscriptions(client, setup.companyId);
	const record = (event: string): StoredSubscription => ({
		event,
		targetUrl: setup.targetUrl,
		companyId: setup.companyId ?? null,
	});

	const found: StoredSubscription[] = [];
	const added: StoredSubscription[] = [];
	try {
		for (const event of setup.events) {
			const sameEvent = existing.filter((subscription) => subscription.event === event);
			if (sameEvent.some((subscription) => subscription.target_url === setup.targetUrl)) {
				found.push(record(event));
				continue;
			}
			if (sameEvent.length >= SUBSCRIPTIONS_PER_EVENT) {
				throw limitError(node, event, setup.companyId, sameEvent);
			}
			try {
				await subscribeWebhook(client, toWoodpecker(record(event)), setup.companyId);
			} catch (error) {
				throw isLimitAnswer(error) ? limitError(node, event, setup.companyId, sameEvent) : error;
			}
			added.push(record(event));
		}
	} catch (error) {
		await removeAll(client, added);
		throw asNodeError(node, error);
	}
	staticData(this).subscriptions = [...found, ...added];
	return true;
}

/**
 * Removes the subscriptions the node recorded. Without a record, as after a failed activation or
 * when n8n kept no static data, it removes those that Woodpecker lists with the node's URL. One
 * that Woodpecker no longer has counts as removed. If a removal fails, the rest are still tried,
 * and the failures stay recorded for the next deactivation.
 */
export async function unsubscribe(this: IHookFunctions): Promise<boolean> {
	const data = staticData(this);
	const client = await createWoodpeckerClient(this);
	let stored = data.subscriptions;
	if (stored === undefined) {
		const setup = readSetup(this);
		const existing = await fetchWebhookSubscriptions(client, setup.companyId);
		stored = existing
			.filter((subscription) => subscription.target_url === setup.targetUrl)
			.map(({ event }) => ({ event, targetUrl: setup.targetUrl, companyId: setup.companyId ?? null }));
	}
	const failed = await removeAll(client, stored);
	if (failed.length === 0) {
		delete data.subscriptions;
		return true;
	}
	data.subscriptions = failed.map(({ subscription }) => subscription);
	throw asNodeError(this.getNode(), failed[0].error);
}

/** Keeps the node errors that the client builds, and wraps anything else. */
function asNodeError(node: INode, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error));
}

/** Removes each subscription and returns those that could not be removed, with their errors. */
async function removeAll(
	client: WoodpeckerClient,
	subscriptions: StoredSubscription[],
): Promise<Array<{ subscription: StoredSubscription; error: unknown }>> {
	const failed: Array<{ subscription: StoredSubscription; error: unknown }> = [];
	for (const subscription of subscriptions) {
		try {
			await unsubscribeWebhook(client, toWoodpecker(subscription), subscription.companyId ?? undefined);
		} catch (error) {
			if (httpStatus(error) !== 404) failed.push({ subscription, error });
		}
	}
	return failed;
}

function httpStatus(error: unknown): number | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const status = (error.context.details as { httpStatus?: unknown } | undefined)?.httpStatus;
	return typeof status === 'number' ? status : undefined;
}

/**
 * Checks whether Woodpecker rejected a subscription for its limit.
 * NOTE: Woodpecker does not document its response at the limit, so this looks for a client error
 * whose message mentions a limit.
 */
function isLimitAnswer(error: unknown): boolean {
	const status = httpStatus(error);
	if (status === undefined || status < 400 || status >= 500 || status === 429) return false;
	const message = (error as NodeApiError).context.details as { woodpeckerMessage?: unknown };
	return typeof message.woodpeckerMessage === 'string' && /limit|maximum|at most|too many/i.test(message.woodpeckerMessage);
}

function limitError(
	node: INode,
	event: string,
	companyId: number | undefined,
	sameEvent: WebhookSubscription[],
): NodeOperationError {
	const origins = [...new Set(sameEvent.map((subscription) => originOf(subscription.target_url)))];
	return new NodeOperationError(
		node,
		webhookLimitMessage(eventLabel(event), companyId, SUBSCRIPTIONS_PER_EVENT, origins),
		{ description: TRIGGER_NOT_ACTIVATED },
	);
}

/** Returns the origin of a webhook URL, so that a message names where webhooks go without their paths. */
function originOf(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return 'an address that is not a URL';
	}
}
