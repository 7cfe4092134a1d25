/**
 * The demo's HTTP client of the public API: POSTs JSON, reads the answer's `code`, and waits out a
 * 503 (an actor's full mailbox or Redis away for a moment) as the API asks, after its `Retry-After`.
 * `call` accepts the codes a step can live with (an existing user or store on a re-run) and throws,
 * naming the request and the answer, on any other.
 */

export interface Answer {
  code: number;
  message: string;
  [field: string]: unknown;
}

const RETRIES_AFTER_503 = 10;

export class DemoApi {
  constructor(readonly base: string) {}

  async post(path: string, body: unknown, token?: string): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.token = token;
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(this.base + path, { method: 'POST', headers, body: JSON.stringify(body) });
      const answer = (await response.json()) as Answer;
      if (response.status !== 503 || attempt > RETRIES_AFTER_503) return answer;
      const seconds = Number(response.headers.get('retry-after')) || 1;
      await new Promise((r) => setTimeout(r, seconds * 1000));
    }
  }

  /** `post`, refusing any code outside `accepted` (200 by default). */
  async call(path: string, body: unknown, opts: { token?: string; accepted?: number[] } = {}) {
    const answer = await this.post(path, body, opts.token);
    if (!(opts.accepted ?? [200]).includes(answer.code)) {
      throw new Error(`${path} for ${describe(body)} answered ${answer.code} ${answer.message}`);
    }
    return answer;
  }
}

/** The ids of a request body, for an error message (never its password). */
function describe(body: unknown): string {
  const b = body as Record<string, unknown>;
  const ids = ['user_id', 'store_id', 'book_id', 'keyword'].filter((k) => typeof b[k] === 'string');
  const book = (b.book_info as { id?: string } | undefined)?.id;
  return [...ids.map((k) => `${k} ${b[k]}`), ...(book ? [`book ${book}`] : [])].join(', ') || 'the request';
}
