import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { companyLocator } from '../WoodpeckerLinkedIn/actions/fields';
import { searchCompanies } from '../WoodpeckerLinkedIn/methods/listSearch';
import { readDelivery } from './delivery';
import { EVENTS, isEventName } from './events';
import { readCompany, subscribe, subscriptionsExist, unsubscribe } from './subscriptions';

export class WoodpeckerLinkedInTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Woodpecker LinkedIn Trigger',
		name: 'woodpeckerLinkedInTrigger',
		icon: { light: 'file:woodpecker.svg', dark: 'file:woodpecker.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].length === 1 ? "1 event" : $parameter["events"].length + " events" }}',
		description: 'Starts the workflow when a LinkedIn account in Woodpecker connects or disconnects',
		defaults: {
			name: 'Woodpecker LinkedIn Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'woodpeckerApi',
				required: true,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: EVENTS.map((event) => ({ ...event })),
				default: ['linkedin_automation_account_connected', 'linkedin_automation_account_disconnected'],
				description:
					'Which changes start the workflow. Each delivered event becomes one item with the account\'s ID, name, LinkedIn URL, session status and level.',
			},
			companyLocator(
				undefined,
				'Client company to watch. Leave empty to subscribe with the API key\'s own account. The agency key acts for the company through the x-company-id header, as Woodpecker documents it for agency (HQ) keys; its use for webhooks is inferred from that documentation.',
				false,
			),
			{
				displayName:
					'Woodpecker allows 3 webhooks per event for each account. Activating this workflow uses one per selected event, and deactivating it frees them.',
				name: 'limitNotice',
				type: 'notice',
				default: '',
			},
		],
	};

	methods = {
		listSearch: { searchCompanies },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await subscriptionsExist.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await subscribe.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await unsubscribe.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const selected = (this.getNodeParameter('events', []) as unknown[]).filter(isEventName);
		let companyId: number | undefined;
		try {
			companyId = readCompany(this.getNode(), this.getNodeParameter('companyId', '', { extractValue: true }));
		} catch {
			// An invalid Company could not have been activated; items then carry Woodpecker's firm_id.
			companyId = undefined;
		}

		const delivery =
			request.method === 'POST'
				? readDelivery(request.headers['content-type'], request.body as unknown, selected, companyId)
				: ({ accepted: false, status: 405, message: 'Woodpecker delivers events with POST.' } as const);
		if (!delivery.accepted) {
			// Nothing of the request is logged, because anyone who has the URL can send one.
			this.logger.warn('Woodpecker webhook delivery rejected', { status: delivery.status, reason: delivery.message });
			response.status(delivery.status).json({ message: delivery.message });
			return { noWebhookResponse: true };
		}
		this.logger.debug('Woodpecker webhook delivery received', { events: delivery.events });
		if (delivery.items.length === 0) {
			response.status(200).json({ message: 'Received. None of its events is selected in this trigger.' });
			return { noWebhookResponse: true };
		}
		// The node responds itself, because n8n's default response for a trigger without response data differs between versions.
		response.status(200).json({ message: 'Workflow was started' });
		return {
			noWebhookResponse: true,
			workflowData: [delivery.items.map((json: IDataObject) => ({ json }))],
		};
	}
}
