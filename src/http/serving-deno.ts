/**
 * Graceful stop of `Deno.serve`. Deno 2.9's `shutdown()` makes the body of every request in flight
 * unreadable at once (BadResource, denoland/deno issue 36809): a request whose body was still
 * arriving would be answered as if the body were malformed. So the stop has two phases. First, while
 * the requests in flight at the signal finish (their bodies still readable), a request that arrives
 * is answered 503 with Retry-After and `Connection: close`, without running: it had no effect. Then,
 * with none left in flight, `shutdown()` closes the listening socket (new connections are refused)
 * and the idle keep-alive connections, and resolves once every connection is done.
 */
import type { Serving } from '../process.ts';

/** Deno.serve's handler: the request and its connection's info (the peer address: auth/guesses.ts). */
type Handler = (request: Request, info?: unknown) => Response | Promise<Response>;

const SHUTTING_DOWN = JSON.stringify({ code: 503, message: 'the server is shutting down: retry' });

export function denoServing(fetch: Handler) {
  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | undefined;
  const handle = async (request: Request, info?: unknown): Promise<Response> => {
    if (stopping) {
      return new Response(SHUTTING_DOWN, {
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' },
      });
    }
    inFlight++;
    try {
      return await fetch(request, info);
    } finally {
      if (--inFlight === 0) drained?.();
    }
  };
  /** The Serving of the server that `handle` serves. */
  const servingOf = (server: { shutdown(): Promise<void> }): Serving => ({
    inFlight: () => inFlight,
    async stop() {
      stopping = true;
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await server.shutdown();
    },
  });
  return { handle, servingOf };
}
