/**
 * Reads one webhook delivery from Woodpecker: a JSON array of events, each about one LinkedIn
 * account. A delivery is used or rejected as a whole, so a request that is not from Woodpecker
 * starts no execution.
 */
import type { IDataObject } from 'n8n-workflow';

import { parseWoodpeckerId } from '../WoodpeckerLinkedIn/validation';
import { isEventName } from './events';

export type Delivery =
	| {
			accepted: true;
			/** Output items of the selected events, in delivery order. */
			items: IDataObject[];
			/** Every event name of the delivery, selected or not, for the log. */
			events: string[];
	  }
	| {
			accepted: false;
			status: number;
			/** Sent back to the caller. It contains nothing of the request. */
			message: string;
	  };

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reject(status: number, message: string): Delivery {
	return { accepted: false, status, message };
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/**
 * Checks a delivery and builds one item per event of the selected ones. `companyId` is the
 * trigger's Company; without one, an item's `company_id` is Woodpecker's `firm_id`.
 */
export function readDelivery(
	contentType: string | undefined,
	body: unknown,
	selected: readonly string[],
	companyId: number | undefined,
): Delivery {
	if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? '')) {
		return reject(415, 'Expected a JSON body with Content-Type: application/json.');
	}
	if (!Array.isArray(body) || body.length === 0) {
		return reject(400, 'Expected a JSON array of Woodpecker events.');
	}
	const items: IDataObject[] = [];
	const events: string[] = [];
	for (const [index, entry] of body.entries()) {
		if (!isObject(entry) || !isEventName(entry.method)) {
			return reject(400, `Element ${index} is not a Woodpecker LinkedIn account event.`);
		}
		const account = entry.linkedin_account;
		// Woodpecker sends the id as a number; numeric text is read the way the action node reads IDs.
		const accountId = isObject(account) ? parseWoodpeckerId(account.id) : undefined;
		if (!isObject(account) || accountId === undefined || !accountId.valid) {
			return reject(400, `Element ${index} has no LinkedIn account with a numeric id.`);
		}
		events.push(entry.method);
		if (!selected.includes(entry.method)) continue;
		// NOTE: Woodpecker does not document that firm_id is the company ID that its other calls take.
		const firmId = typeof entry.firm_id === 'number' ? entry.firm_id : null;
		items.push({
			event: entry.method,
			account_id: accountId.value,
			full_name: text(account.full_name),
			linkedin_url: text(account.linkedin_url),
			session_status: text(account.session_status),
			level: text(account.level),
			timestamp: text(entry.timestamp),
			firm_id: firmId,
			company_id: companyId ?? firmId,
		});
	}
	return { accepted: true, items, events };
}
