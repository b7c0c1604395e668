/** The Woodpecker webhook events the trigger listens to, with their names in the editor. */
export const EVENTS = [
	{
		name: 'Account Connected',
		value: 'linkedin_automation_account_connected',
		description: 'A LinkedIn account was connected, for example after a client opened a connect link and logged in',
	},
	{
		name: 'Account Disconnected',
		value: 'linkedin_automation_account_disconnected',
		description: 'LinkedIn logged an account out, and it needs a new connect link',
	},
] as const;

export type EventName = (typeof EVENTS)[number]['value'];

const EVENT_VALUES: readonly string[] = EVENTS.map((event) => event.value);

export function isEventName(value: unknown): value is EventName {
	return typeof value === 'string' && EVENT_VALUES.includes(value);
}

/** Returns the editor's name of an event, for messages. */
export function eventLabel(event: string): string {
	return EVENTS.find((candidate) => candidate.value === event)?.name ?? event;
}
