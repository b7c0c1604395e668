import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WoodpeckerApi implements ICredentialType {
	name = 'woodpeckerApi';

	displayName = 'Woodpecker API';

	icon: Icon = { light: 'file:woodpecker.svg', dark: 'file:woodpecker.dark.svg' };

	documentationUrl = 'https://developers.woodpecker.co/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				"Your agency's API key from Woodpecker (Marketplace > Integrations > API keys). The agency (HQ) key is needed because the node calls the agency endpoints for your client companies.",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.woodpecker.co',
			description:
				'Address of the Woodpecker API. Change it only to go through a proxy or to test against a local sandbox; a trailing slash is fine.',
		},
	];

	// Trimmed because a key pasted with a trailing space or line break would make the header
	// invalid, which fails as a connection error rather than as a wrong key.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.apiKey.trim()}}',
			},
		},
	};

	// Listing the agency's companies is cheap and succeeds only for an agency key. n8n shows the
	// HTTP status text for a failed test unless a rule names the status, so the rules carry
	// Woodpecker's own reason.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '/rest/v2/agency/companies',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Invalid api key: Woodpecker rejected this API key. Copy the agency API key from Woodpecker again.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'Woodpecker API not found at this Base URL. Use https://api.woodpecker.co unless you go through a proxy.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					// NOTE: Woodpecker does not document the status for a key without agency access;
					// 403 is the likely one.
					message: 'Woodpecker denied access to the agency endpoints. Use the API key of the agency (HQ) account.',
				},
			},
		],
	};
}
