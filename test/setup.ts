// Runs before each test file. n8n-core keeps instance settings in a user folder and would create
// one in the home folder, so every test file gets a temporary one, removed afterwards. No test may
// reach a real host: nock rejects every connection that it does not intercept, except those to
// this machine's loopback address, where tests start their own servers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import nock from 'nock';

const userFolder = mkdtempSync(join(tmpdir(), 'woodpecker-n8n-test-'));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_ENCRYPTION_KEY = 'test-encryption-key';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

afterEach(() => {
	nock.abortPendingRequests();
	nock.cleanAll();
});

afterAll(() => {
	rmSync(userFolder, { recursive: true, force: true });
});
