'use strict';

/**
 * A minimal SMTP server on 127.0.0.1 that accepts every message and keeps it in memory, so that
 * tests can check what n8n's Send Email node sent. It speaks plain SMTP without TLS and without
 * authentication: an SMTP credential for it needs SSL/TLS off, Disable STARTTLS on, and no user
 * or password. It never delivers, logs or prints a message.
 */

const net = require('node:net');

const HOST = '127.0.0.1';
const SERVER_NAME = 'smtp-sink.localhost';

/**
 * @typedef {object} ReceivedMessage
 * @property {string} from Envelope sender from MAIL FROM, without angle brackets.
 * @property {string[]} to Envelope recipients from RCPT TO, in order.
 * @property {string} data Message as sent after DATA: headers and body, with dot-stuffing
 *   removed and without the final `.` line.
 */

/**
 * Starts the sink on a free port of 127.0.0.1. `messages` lists every accepted message, oldest
 * first, and `close()` ends open sessions and stops the server.
 */
async function startSmtpSink() {
	/** @type {ReceivedMessage[]} */
	const messages = [];
	const sockets = new Set();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		handleSession(socket, messages);
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, HOST, () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});
	const address = /** @type {net.AddressInfo} */ (server.address());

	return {
		host: HOST,
		port: address.port,
		messages,
		clearMessages() {
			messages.length = 0;
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(() => resolve(undefined)));
		},
	};
}

/**
 * Runs one SMTP session: greeting, EHLO or HELO, then any number of mail transactions
 * (MAIL FROM, RCPT TO, DATA) with RSET, NOOP and QUIT in between. Commands it does not
 * implement, such as STARTTLS and AUTH, get 502, and commands out of order get 503.
 * @param {net.Socket} socket
 * @param {ReceivedMessage[]} messages
 */
function handleSession(socket, messages) {
	let buffer = '';
	let greeted = false;
	/** @type {{ from: string, to: string[] } | null} */
	let transaction = null;
	/** @type {string[] | null} Lines of the message while DATA is being received. */
	let dataLines = null;

	const reply = (text) => {
		if (!socket.destroyed) socket.write(`${text}\r\n`);
	};

	const handleCommand = (line) => {
		const verb = line.split(' ', 1)[0].toUpperCase();
		const argument = line.slice(verb.length).trim();
		switch (verb) {
			case 'EHLO':
				greeted = true;
				transaction = null;
				reply(`250-${SERVER_NAME} greets ${argument || 'client'}\r\n250-8BITMIME\r\n250 SMTPUTF8`);
				return;
			case 'HELO':
				greeted = true;
				transaction = null;
				reply(`250 ${SERVER_NAME}`);
				return;
			case 'MAIL': {
				const from = /^FROM:\s*<([^>]*)>/i.exec(argument);
				if (!greeted || transaction !== null) return reply('503 Bad sequence of commands');
				if (from === null) return reply('501 Syntax: MAIL FROM:<address>');
				transaction = { from: from[1], to: [] };
				return reply('250 OK');
			}
			case 'RCPT': {
				const to = /^TO:\s*<([^>]+)>/i.exec(argument);
				if (transaction === null) return reply('503 Bad sequence of commands');
				if (to === null) return reply('501 Syntax: RCPT TO:<address>');
				transaction.to.push(to[1]);
				return reply('250 OK');
			}
			case 'DATA':
				if (transaction === null || transaction.to.length === 0) return reply('503 Bad sequence of commands');
				dataLines = [];
				return reply('354 End data with <CR><LF>.<CR><LF>');
			case 'RSET':
				transaction = null;
				return reply('250 OK');
			case 'NOOP':
				return reply('250 OK');
			case 'QUIT':
				reply(`221 ${SERVER_NAME} closing connection`);
				socket.end();
				return;
			default:
				return reply('502 Command not implemented');
		}
	};

	const handleLine = (line) => {
		if (dataLines === null) {
			handleCommand(line);
			return;
		}
		if (line !== '.') {
			// Undo dot-stuffing: the client doubled every leading dot of the message (RFC 5321, 4.5.2).
			dataLines.push(line.startsWith('.') ? line.slice(1) : line);
			return;
		}
		const current = /** @type {{ from: string, to: string[] }} */ (transaction);
		messages.push({ from: current.from, to: current.to, data: dataLines.join('\r\n') });
		dataLines = null;
		transaction = null;
		reply(`250 OK: queued as ${messages.length}`);
	};

	socket.setEncoding('utf8');
	socket.on('data', (chunk) => {
		buffer += chunk;
		let end;
		while ((end = buffer.indexOf('\n')) !== -1) {
			const line = buffer.slice(0, end).replace(/\r$/, '');
			buffer = buffer.slice(end + 1);
			handleLine(line);
		}
	});
	// A client that drops the connection mid-session is no error for a test sink.
	socket.on('error', () => socket.destroy());
	reply(`220 ${SERVER_NAME} ESMTP test sink`);
}

/**
 * Splits a single-part message into its headers and its decoded text. Header names are lower
 * case, folded header lines are joined, and RFC 2047 encoded words (as nodemailer writes a
 * subject that is not ASCII) are decoded. The body is decoded from quoted-printable or base64
 * when the Content-Transfer-Encoding header says so, and its CRLF line ends become LF.
 * NOTE: Multipart messages, such as those with attachments or both text and HTML, are not
 * split into their parts: `text` is then the raw body.
 * @param {string} data A message as recorded by the sink.
 * @returns {{ headers: Record<string, string>, text: string }}
 */
function parseMessage(data) {
	const separator = data.indexOf('\r\n\r\n');
	const head = separator === -1 ? data : data.slice(0, separator);
	const body = separator === -1 ? '' : data.slice(separator + 4);

	/** @type {Record<string, string>} */
	const headers = {};
	for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon === -1) continue;
		headers[line.slice(0, colon).trim().toLowerCase()] = decodeEncodedWords(line.slice(colon + 1).trim());
	}

	const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
	let text = body;
	if (encoding === 'quoted-printable') text = decodeQuotedPrintable(body);
	else if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	return { headers, text: text.replace(/\r\n/g, '\n') };
}

/** Decodes quoted-printable text (RFC 2045, 6.7) as UTF-8. */
function decodeQuotedPrintable(body) {
	const unfolded = body.replace(/=\r\n/g, '');
	const bytes = [];
	for (let i = 0; i < unfolded.length; i++) {
		const hex = unfolded.slice(i + 1, i + 3);
		if (unfolded[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
			bytes.push(parseInt(hex, 16));
			i += 2;
		} else {
			bytes.push(...Buffer.from(unfolded[i], 'utf8'));
		}
	}
	return Buffer.from(bytes).toString('utf8');
}

/** Decodes RFC 2047 encoded words such as `=?UTF-8?Q?Caf=C3=A9?=` in a header value. */
function decodeEncodedWords(value) {
	// Whitespace between two adjacent encoded words is not part of the text.
	const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
	return joined.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (word, charset, encoding, encoded) => {
		if (!/^utf-8$/i.test(charset)) return word;
		if (encoding.toUpperCase() === 'B') return Buffer.from(encoded, 'base64').toString('utf8');
		return decodeQuotedPrintable(encoded.replace(/_/g, ' '));
	});
}

module.exports = { parseMessage, startSmtpSink };
