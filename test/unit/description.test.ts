import type { INodeProperties } from 'n8n-workflow';

import { WoodpeckerLinkedIn } from '../../nodes/WoodpeckerLinkedIn/WoodpeckerLinkedIn.node';
import { WoodpeckerLinkedInTrigger } from '../../nodes/WoodpeckerLinkedInTrigger/WoodpeckerLinkedInTrigger.node';

const { description } = new WoodpeckerLinkedIn();

describe('node description', () => {
	test('subtitle is one expression', () => {
		const subtitle = description.subtitle as string;
		expect(subtitle.startsWith('={{')).toBe(true);
		expect(subtitle.endsWith('}}')).toBe(true);
		// "}}" inside would end the expression early and leave the subtitle empty in the editor.
		expect(subtitle.slice(3, -2)).not.toContain('}}');
	});

	test('subtitle names every operation', () => {
		const subtitle = description.subtitle as string;
		const operations = description.properties.filter((property) => property.name === 'operation');
		for (const property of operations) {
			for (const option of property.options as Array<{ value: string }>) {
				expect(subtitle).toContain(`"${option.value}"`);
			}
		}
	});

	test('option defaults are offered options', () => {
		const withOptions = (properties: INodeProperties[]): INodeProperties[] =>
			properties.flatMap((property) => [
				...(property.type === 'options' ? [property] : []),
				...(property.type === 'collection' ? withOptions(property.options as INodeProperties[]) : []),
			]);
		for (const property of withOptions(description.properties)) {
			const values = (property.options as Array<{ value: unknown }>).map((option) => option.value);
			expect(values).toContain(property.default);
		}
	});

	test('every operation has an action', () => {
		for (const property of description.properties.filter((candidate) => candidate.name === 'operation')) {
			for (const option of property.options as Array<{ action?: string }>) {
				expect(option.action).toEqual(expect.any(String));
			}
		}
	});
});

describe('trigger description', () => {
	const trigger = new WoodpeckerLinkedInTrigger().description;

	test('subtitle is one expression', () => {
		const subtitle = trigger.subtitle as string;
		expect(subtitle.startsWith('={{')).toBe(true);
		expect(subtitle.endsWith('}}')).toBe(true);
		expect(subtitle.slice(3, -2)).not.toContain('}}');
	});

	test('events default to both offered events', () => {
		const events = trigger.properties.find((property) => property.name === 'events')!;
		const values = (events.options as Array<{ value: string }>).map((option) => option.value);
		expect(values).toEqual(['linkedin_automation_account_connected', 'linkedin_automation_account_disconnected']);
		expect(events.default).toEqual(values);
	});

	test('company is optional and searchable', () => {
		const company = trigger.properties.find((property) => property.name === 'companyId')!;
		expect(company.required).toBe(false);
		expect(company.displayOptions).toBeUndefined();
		expect(company.modes?.[0].typeOptions?.searchListMethod).toBe('searchCompanies');
		expect(Object.keys(new WoodpeckerLinkedInTrigger().methods.listSearch)).toEqual(['searchCompanies']);
	});

	test('one POST webhook answered on receipt', () => {
		expect(trigger.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }]);
		expect(trigger.inputs).toEqual([]);
	});
});
