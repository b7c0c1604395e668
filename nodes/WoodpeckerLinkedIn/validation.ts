/**
 * Checks of user input that run before any request is sent, so that a bad value fails only
 * its own item and never reaches Woodpecker or changes a request path.
 */

export type IdParameter = 'companyId' | 'accountId';

export const ID_PARAMETER_LABELS: Record<IdParameter, string> = {
	companyId: 'Company ID',
	accountId: 'Account ID',
};

export type ValidationResult<T> = { valid: true; value: T } | { valid: false; reason: string };

// Digits with an optional fractional part made only of zeros ("42", "0042", "42.0"), because
// spreadsheets and some CRMs export whole numbers as "42.0". Signs, exponents, hex and inner
// spaces are rejected.
const WHOLE_NUMBER_TEXT = /^\d+(?:\.0+)?$/;

/**
 * Parses a Woodpecker ID given as a number or a numeric string (surrounding spaces trimmed)
 * into a positive safe integer, or returns the reason it is not one.
 */
export function parseWoodpeckerId(raw: unknown): ValidationResult<number> {
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
		return { valid: false, reason: 'empty' };
	}

	let value: number;
	if (typeof raw === 'number') {
		value = raw;
	} else if (typeof raw === 'string') {
		const text = raw.trim();
		if (!WHOLE_NUMBER_TEXT.test(text)) {
			return { valid: false, reason: 'not a whole number' };
		}
		value = Number(text);
	} else {
		return { valid: false, reason: `${describeType(raw)}, not a number` };
	}

	if (!Number.isFinite(value) || !Number.isInteger(value)) {
		return { valid: false, reason: 'not a whole number' };
	}
	if (value <= 0) {
		return { valid: false, reason: 'not greater than zero' };
	}
	if (!Number.isSafeInteger(value)) {
		return { valid: false, reason: `larger than ${Number.MAX_SAFE_INTEGER}, the largest ID that can be sent exactly` };
	}
	return { valid: true, value };
}

function describeType(raw: unknown): string {
	if (Array.isArray(raw)) return 'a list';
	if (typeof raw === 'object') return 'an object';
	return `a ${typeof raw}`;
}

/**
 * Formats a user-supplied value for an error message: strings quoted, other values as JSON,
 * anything long cut short so a stray object does not flood the message.
 */
export function formatValue(raw: unknown): string {
	let text: string;
	if (typeof raw === 'string') {
		text = JSON.stringify(raw);
	} else if (raw === undefined) {
		text = 'undefined';
	} else if (typeof raw === 'bigint') {
		text = raw.toString();
	} else {
		try {
			text = JSON.stringify(raw) ?? String(raw);
		} catch {
			text = String(raw);
		}
	}
	const maxLength = 80;
	return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
