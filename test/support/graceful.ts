/**
 * For the graceful shutdown tests: raw HTTP/1.1 connections whose requests the test holds in flight
 * (`Expect: 100-continue`: the server's `100 Continue` says it has the request; the body follows when
 * the test says), a probe of what a new connection meets, and a load of keep-alive clients that
 * sorts every outcome (a whole answer, or a failure before any answer began, or an answer cut short).
 */
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The first whole answer at the start of `data` (headers and Content-Length body), and the rest. */
function takeAnswer(data: string): { answer: RawAnswer; rest: string } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = data.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const length = Number(headers['content-length'] ?? 0);
  if (data.length < end + 4 + length) return undefined;
  return {
    answer: {
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: data.slice(end + 4, end + 4 + length),
    },
    rest: data.slice(end + 4 + length),
  };
}

/** A connection that collects the answers it gets, interim ones (100) included. */
class RawConnection {
  readonly answers: RawAnswer[] = [];
  private data = '';
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.data += chunk;
      for (let taken = takeAnswer(this.data); taken; taken = takeAnswer(this.data)) {
        this.answers.push(taken.answer);
        this.data = taken.rest;
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves with the first answer that passes `match`; rejects when the connection closes first. */
  async answer(match: (answer: RawAnswer) => boolean): Promise<RawAnswer> {
    for (;;) {
      const found = this.answers.find(match);
      if (found) return found;
      if (this.closed)
        throw new Error(`connection closed without the answer; had ${JSON.stringify(this.answers)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

function open(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
    socket.once('error', reject);
  });
}

/**
 * A POST whose headers are sent now and whose body is sent by `send()`. Resolves once the server
 * answered `100 Continue`: the request is in its hands, waiting for the body.
 */
export async function heldRequest(port: number, path: string, body: unknown) {
  const json = JSON.stringify(body);
  const connection = await open(port);
  connection.socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(json)}\r\nExpect: 100-continue\r\n\r\n`,
  );
  await connection.answer((a) => a.status === 100);
  return {
    /** True while no final answer came. */
    pending: () => !connection.answers.some((a) => a.status >= 200),
    /** Sends the body; resolves with the final answer. */
    send(): Promise<RawAnswer> {
      connection.socket.write(json);
      return connection.answer((a) => a.status >= 200);
    },
  };
}

/**
 * What a new connection meets now: `refused` (nothing accepts), `turned away` (accepted, answered
 * 503 without running) or `served` (a GET /healthz answered 200).
 */
export async function newConnection(port: number): Promise<'refused' | 'turned away' | 'served'> {
  let connection: RawConnection;
  try {
    connection = await open(port);
  } catch {
    return 'refused';
  }
  connection.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  try {
    const answer = await connection.answer((a) => a.status >= 200);
    return answer.status === 200 ? 'served' : 'turned away';
  } catch {
    return 'refused'; // accepted by a listener closing at that moment, closed without an answer
  } finally {
    connection.socket.destroy();
  }
}

/** Polls `check` every 20 ms until it is true; throws after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface LoadOutcomes {
  /** answers by status, each whole and well-formed (JSON whose `code` is the status) */
  answered: Record<number, number>;
  /** answers whose body was cut short or was not the JSON answer */
  broken: string[];
  /** requests that failed before any answer began, by cause */
  failed: Record<string, number>;
}

/**
 * `clients` loops of keep-alive requests (fetch's pooled connections) of `request` until `stop()`
 * resolves. A loop whose request failed waits 20 ms before the next, so it does not spin on a
 * refused port.
 */
export function keepAliveLoad(
  baseUrl: string,
  clients: number,
  request: { path: string; body: unknown },
  stop: Promise<unknown>,
) {
  const outcomes: LoadOutcomes = { answered: {}, broken: [], failed: {} };
  let stopped = false;
  void stop.then(() => (stopped = true));
  const loop = async () => {
    while (!stopped) {
      let response: Response;
      try {
        response = await fetch(baseUrl + request.path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request.body),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
        outcomes.failed[cause] = (outcomes.failed[cause] ?? 0) + 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      try {
        const text = await response.text();
        const body = JSON.parse(text) as { code?: number };
        if (body.code !== response.status)
          throw new Error(`code ${body.code} in a ${response.status}: ${text}`);
        outcomes.answered[response.status] = (outcomes.answered[response.status] ?? 0) + 1;
      } catch (error) {
        outcomes.broken.push(String(error));
      }
    }
  };
  const loops = Array.from({ length: clients }, loop);
  return {
    outcomes,
    /** Resolves once every loop has seen `n` whole answers in all. */
    answeredAtLeast: (n: number) =>
      until(`${n} answers`, () => Object.values(outcomes.answered).reduce((a, b) => a + b, 0) >= n),
    done: () => Promise.all(loops).then(() => outcomes),
  };
}
