'use strict';

/**
 * Checks of what would be published: the files `npm pack` puts in the tarball, and n8n's
 * community package scanner run on the tarball and on the sources, as n8n runs it before
 * listing a package as verified. Needs `npm run build` first.
 */

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, before, test } = require('node:test');

const ROOT = path.resolve(__dirname, '..', '..');
const SCANNER = path.join(ROOT, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs');

/** Files the tarball may contain besides the compiled JavaScript of the nodes and credential. */
const FIXED_FILES = [
	'CHANGELOG.md',
	'LICENSE',
	'README.md',
	'dist/credentials/woodpecker.dark.svg',
	'dist/credentials/woodpecker.svg',
	'dist/nodes/WoodpeckerLinkedIn/WoodpeckerLinkedIn.node.json',
	'dist/nodes/WoodpeckerLinkedIn/woodpecker.dark.svg',
	'dist/nodes/WoodpeckerLinkedIn/woodpecker.svg',
	'dist/nodes/WoodpeckerLinkedInTrigger/WoodpeckerLinkedInTrigger.node.json',
	'dist/nodes/WoodpeckerLinkedInTrigger/woodpecker.dark.svg',
	'dist/nodes/WoodpeckerLinkedInTrigger/woodpecker.svg',
	'index.js',
	'package.json',
];

let unpacked;

before(() => {
	const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'woodpecker-scan-'));
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: ROOT })
		.toString()
		.trim()
		.split('\n')
		.pop();
	execFileSync('tar', ['-xzf', path.join(destination, tarball), '-C', destination]);
	unpacked = { root: destination, packageDir: path.join(destination, 'package') };
});

after(() => {
	if (unpacked) fs.rmSync(unpacked.root, { recursive: true, force: true });
});

test('tarball holds only what n8n loads', () => {
	const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT }).toString());
	const files = report.files.map((file) => file.path).sort();

	const javascript = files.filter((file) => file.endsWith('.js') && file !== 'index.js');
	const expectedJavascript = listCompiledSources();
	assert.deepEqual(javascript, expectedJavascript);
	assert.deepEqual(
		files.filter((file) => !javascript.includes(file)),
		[...FIXED_FILES].sort(),
	);
});

test('scanner passes on the tarball', async () => {
	const { analyzePackage } = await import(SCANNER);
	const result = await analyzePackage(unpacked.packageDir, ['**/*.js', 'package.json']);
	assert.equal(result.passed, true, `${result.message}\n${result.details}`);
});

test('scanner passes on the sources', async () => {
	const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(SCANNER);
	const result = await analyzePackage(ROOT, SOURCE_FILE_PATTERNS);
	assert.equal(result.passed, true, `${result.message}\n${result.details}`);
});

/** Lists the .js file tsc makes from each .ts source of the node and credential. */
function listCompiledSources() {
	const sources = [];
	const walk = (folder) => {
		for (const entry of fs.readdirSync(path.join(ROOT, folder), { withFileTypes: true })) {
			const relative = path.join(folder, entry.name);
			if (entry.isDirectory()) walk(relative);
			else if (entry.name.endsWith('.ts')) sources.push(`dist/${relative.replace(/\.ts$/, '.js')}`);
		}
	};
	walk('nodes');
	walk('credentials');
	return sources.sort();
}
