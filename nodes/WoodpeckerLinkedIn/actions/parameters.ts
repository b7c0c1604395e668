import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { invalidInputError } from '../errors';
import { invalidIdMessage } from '../messages';
import { parseWoodpeckerId, type IdParameter } from '../validation';

/**
 * Reads the named ID parameters of one item and validates them all before any request is
 * sent. The first invalid one fails the item, and the error keeps every raw value.
 */
export function readIds<Name extends IdParameter>(
	context: IExecuteFunctions,
	names: readonly Name[],
	itemIndex: number,
): Record<Name, number> {
	const raw = {} as Record<Name, unknown>;
	const rawTarget: IDataObject = {};
	for (const name of names) {
		raw[name] = context.getNodeParameter(name, itemIndex);
		rawTarget[OUTPUT_FIELD[name]] = raw[name] as IDataObject[string];
	}

	const ids = {} as Record<Name, number>;
	for (const name of names) {
		const result = parseWoodpeckerId(raw[name]);
		if (!result.valid) {
			const message = invalidIdMessage(name, raw[name], result.reason);
			throw invalidInputError(context.getNode(), message, rawTarget, itemIndex);
		}
		ids[name] = result.value;
	}
	return ids;
}

/** Names of the ID fields in output items, as Woodpecker spells them. */
const OUTPUT_FIELD: Record<IdParameter, string> = {
	companyId: 'company_id',
	accountId: 'account_id',
};
