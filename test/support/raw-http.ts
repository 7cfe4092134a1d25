/**
 * Raw HTTP/1.1 for tests that send what a fetch client refuses to (CR/LF in a header, a
 * Content-Length larger than the bytes sent) and read the answer's head as the server wrote it.
 */
import { connect } from 'node:net';

/** Sends raw bytes; resolves with the answer's head once the head and its body have arrived. */
export function rawHead(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      socket.destroy();
      resolve(got.split('\r\n\r\n')[0] ?? '');
    };
    socket.on('data', (chunk) => {
      got += chunk.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(got.slice(0, end))?.[1] ?? 0);
      if (got.length >= end + 4 + length) done();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(got.split('\r\n\r\n')[0] ?? ''));
    socket.write(bytes, 'latin1');
  });
}

/** The values of `name` in a raw answer head. */
export const headerValues = (head: string, name: string) =>
  head
    .split('\r\n')
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(name.length + 1).trim());
