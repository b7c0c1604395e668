// n8n-core keeps instance settings in a user folder and creates one in the home folder by
// default; every test run gets a fresh temporary folder instead.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'woodpecker-n8n-test-'));
process.env.N8N_ENCRYPTION_KEY = 'test-encryption-key';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
