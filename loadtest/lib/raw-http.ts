/**
 * A lean HTTP/1.1 client for the open loop: a pool of keep-alive sockets, one request at a time on
 * each, the request written as one buffer and the answer read as status + body (Content-Length or
 * chunked). It costs the bench a third of the CPU per request that node:http does (its request and
 * message objects, streams, agent), which matters when the bench shares 2 cores with the server and
 * Redis: an open loop paced at half of autocannon's peak must not take the server's CPU to send it.
 * A request waiting for a free socket waits in order of arrival.
 */
import net from 'node:net';
import type * as api from '../scenarios/api.ts';

export type Answer = { status: number; body: string } | Error;

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/** The answer in `buf` if it is complete: its status, body and length in bytes; else undefined. */
function parse(buf: Buffer): { status: number; body: string; length: number } | undefined {
  const headEnd = buf.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const size = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  let at = headEnd + 4;
  if (size) {
    const end = at + Number(size[1]);
    return buf.length < end ? undefined : { status, body: buf.toString('utf8', at, end), length: end };
  }
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) return { status, body: '', length: at };
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = buf.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const n = Number.parseInt(buf.toString('latin1', at, lineEnd), 16);
    const end = lineEnd + 2 + n + 2;
    if (buf.length < end) return undefined;
    if (n === 0) return { status, body: Buffer.concat(parts).toString('utf8'), length: end };
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + n));
    at = end;
  }
}

class Connection {
  private socket: net.Socket | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((a: Answer) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly url: URL) {}

  private finish(answer: Answer) {
    clearTimeout(this.timer);
    const done = this.waiting;
    this.waiting = undefined;
    done?.(answer);
  }

  /** Ends the socket and fails the request on it; events of a socket already dropped are ignored. */
  private drop(socket: net.Socket | undefined, error: Error) {
    if (socket !== this.socket) return;
    socket?.destroy();
    this.socket = undefined;
    this.buf = Buffer.alloc(0);
    this.finish(error);
  }

  private connect(): net.Socket {
    const socket = net.connect(Number(this.url.port), this.url.hostname);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (socket !== this.socket) return;
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      const answer = parse(this.buf);
      if (!answer) return;
      this.buf = this.buf.subarray(answer.length);
      this.finish({ status: answer.status, body: answer.body });
    });
    socket.on('error', (error) => this.drop(socket, error));
    socket.on('close', () => this.drop(socket, new Error('connection closed')));
    return socket;
  }

  /** Connects now (not on the first request); resolves once connected, or failed. */
  open(): Promise<void> {
    if (this.socket) return Promise.resolve();
    const socket = this.connect();
    this.socket = socket;
    return new Promise((resolve) => {
      socket.once('connect', () => resolve());
      socket.once('close', () => resolve());
    });
  }

  send(raw: Buffer, timeoutMs: number): Promise<Answer> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket ??= this.connect();
      const socket = this.socket;
      this.timer = setTimeout(() => this.drop(socket, new Error('timeout')), timeoutMs);
      socket.write(raw);
    });
  }

  close() {
    this.socket?.destroy();
  }
}

export class RawPool {
  private readonly free: Connection[] = [];
  private readonly queue: ((c: Connection) => void)[] = [];
  private readonly all: Connection[] = [];

  constructor(
    private readonly url: URL,
    size: number,
    private readonly timeoutMs = 10_000,
  ) {
    for (let i = 0; i < size; i++) this.all.push(new Connection(url));
    this.free.push(...this.all);
  }

  private serialize(req: api.ApiRequest): Buffer {
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${v}\r\n`);
    if (body) headers.push(`content-length: ${body.length}\r\n`);
    const head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${this.url.host}\r\n${headers.join('')}\r\n`;
    return body ? Buffer.concat([Buffer.from(head), body]) : Buffer.from(head);
  }

  /** Connects every connection of the pool now, so that no request waits for a connection's set-up. */
  async open(): Promise<void> {
    await Promise.all(this.all.map((c) => c.open()));
  }

  async send(req: api.ApiRequest): Promise<Answer> {
    const raw = this.serialize(req);
    const conn = this.free.pop() ?? (await new Promise<Connection>((resolve) => this.queue.push(resolve)));
    try {
      return await conn.send(raw, this.timeoutMs);
    } finally {
      const next = this.queue.shift();
      if (next) next(conn);
      else this.free.push(conn);
    }
  }

  close() {
    for (const c of this.all) c.close();
  }
}
