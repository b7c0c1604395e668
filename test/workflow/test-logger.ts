/**
 * A logger that n8n-core's dependency container hands to nodes as `this.logger`, recording
 * every line so tests can check what was logged and that no secret was.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject } from 'n8n-workflow';

export interface LogLine {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	meta?: IDataObject;
}

export const logLines: LogLine[] = [];

const record =
	(level: LogLine['level']) =>
	(message: string, meta?: IDataObject): void => {
		logLines.push({ level, message, meta });
	};

const testLogger = {
	error: record('error'),
	warn: record('warn'),
	info: record('info'),
	debug: record('debug'),
	scoped: () => testLogger,
};

Container.set(Logger, testLogger as unknown as Logger);
