import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { invalidInputError } from '../errors';
import { invalidIdMessage, invalidLimitMessage } from '../messages';
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
	for (const name of names) rawTarget[OUTPUT_FIELD[name]] = null;
	for (const name of names) {
		try {
			raw[name] = context.getNodeParameter(name, itemIndex, undefined, { extractValue: true });
		} catch (error) {
			// An expression that fails to evaluate fails only this item, with the IDs read so far.
			const expressionError = new NodeOperationError(context.getNode(), error as Error, { itemIndex });
			expressionError.context.target = rawTarget;
			throw expressionError;
		}
		rawTarget[OUTPUT_FIELD[name]] = (raw[name] ?? null) as IDataObject[string];
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

/**
 * Reads Return All and Limit of one item: the maximum number of results, or undefined for all.
 * An invalid limit fails the item before any request.
 */
export function readLimit(context: IExecuteFunctions, itemIndex: number, target: IDataObject): number | undefined {
	if (context.getNodeParameter('returnAll', itemIndex, false) === true) return undefined;
	const limit = context.getNodeParameter('limit', itemIndex, 50);
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		throw invalidInputError(context.getNode(), invalidLimitMessage(limit), target, itemIndex);
	}
	return limit;
}
