'use strict';

/**
 * Runs the benchmark script small, to check that every part of it works and that the page it
 * writes carries each figure. It asserts no timing: those are for people to read. Needs
 * `npm run build` first.
 */

const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, test } = require('node:test');
const { promisify } = require('node:util');

const ROOT = path.resolve(__dirname, '..', '..');
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'woodpecker-bench-'));

after(() => fs.rmSync(folder, { recursive: true, force: true }));

/** Cells of the table row that starts with `label`. */
function row(page, label) {
	const line = page.split('\n').find((candidate) => candidate.startsWith(`| ${label} |`));
	assert.ok(line, `no row "${label}" in:\n${page}`);
	return line.split('|').slice(2, -1).map((cell) => cell.trim());
}

test('bench writes every figure', { timeout: 10 * 60_000 }, async () => {
	const out = path.join(folder, 'benchmarks.md');
	const args = ['--runs', '1', '--items', '30', '--engine-items', '40', '--memory-items', '200', '--out', out];

	const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'bench.js'), ...args], {
		cwd: ROOT,
		maxBuffer: 16 * 1024 * 1024,
	});

	const page = fs.readFileSync(out, 'utf8');
	assert.equal(stdout.trim(), page.trim());
	assert.match(page, /^Command: `npm run bench -- --runs 1 --items 30 .* --out .*benchmarks\.md`/m);
	// Thirty items leave the queue room for every request of the node, with either setting.
	for (const label of ['Woodpecker LinkedIn, Parallel Requests 1 (default)', 'Woodpecker LinkedIn, Parallel Requests 7']) {
		const [succeeded, lost, , , , counts] = row(page, label);
		assert.equal(succeeded, '30 of 30');
		assert.equal(lost, '0');
		assert.equal(counts, `30 / 0 / ${label.includes('7') ? 7 : 1}`);
	}
	const [succeeded, lost] = row(page, 'HTTP Request (default options)');
	assert.equal(Number(succeeded.split(' of ')[0]) + Number(lost), 30);
	for (const label of ['Woodpecker LinkedIn node', 'HTTP Request node', 'bare helper loop']) {
		const [cpu, time] = row(page, label);
		assert.match(cpu, /^\d+\.\d{3} ms$/);
		assert.match(time, /^\d+\.\d{3} ms$/);
	}
	assert.match(page, /^Memory for 200 items with the Woodpecker LinkedIn node/m);
	assert.match(row(page, 'Packed tarball')[0], /^\d+\.\d kB$/);
	assert.equal((page.match(/^Goal: /gm) ?? []).length, 4);
});
