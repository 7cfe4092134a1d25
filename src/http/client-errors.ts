/**
 * Node's own answers to requests it cannot hand to the app, as JSON like every other answer
 * (API.md): a header section over Node's limit (431), a request that took too long to arrive (408:
 * a slow or stalled client), and bad framing such as an unreadable Content-Length (400). Node's
 * default writes a bare status line with no body; here the same statuses carry `{code, message}`.
 * Deno.serve answers these itself (see README).
 */
import { type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

const ANSWERS: Record<string, [status: number, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'request header fields too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request timeout: the request did not arrive in time'],
};
const BAD_REQUEST: [number, string] = [400, 'bad request: the request could not be read as HTTP'];

/** The raw HTTP/1.1 answer for a client error: JSON, and the connection closed after it. */
export function clientErrorAnswer(code: string | undefined): string {
  const [status, message] = ANSWERS[code ?? ''] ?? BAD_REQUEST;
  const body = JSON.stringify({ code: status, message });
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    // Nothing can be written on a reset connection, or after an answer has begun on this one.
    if (error.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorAnswer(error.code));
  });
}
