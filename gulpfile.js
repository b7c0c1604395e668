const path = require('node:path');
const { src, dest } = require('gulp');

// tsc does not copy assets, so icons and codex files are placed next to the compiled
// node and credential, where n8n resolves `file:` icon paths.
function buildIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest(path.resolve('dist')));
}

function buildCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest(path.resolve('dist')));
}

exports['build:icons'] = require('gulp').parallel(buildIcons, buildCodex);
