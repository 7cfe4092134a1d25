/**
 * Graceful stop of the Node HTTP server (@hono/node-server): the listening socket closes at once
 * (new connections are refused), every request already received is answered in full, and the
 * keep-alive connections are closed as they fall idle, so `server.close()` returns once the last
 * answer is sent. Node closes the connections idle at `close()` itself; one whose answer is sent
 * later is told `Connection: close` when its answer had not begun, else closed once idle.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Serving } from '../process.ts';

/** How often connections that fell idle since `close()` are closed. */
const IDLE_SWEEP_MS = 50;

export function servingOf(server: Server): Serving {
  const answering = new Set<ServerResponse>();
  let stopping = false;
  // Before the app's listener, so a request that arrives while stopping is answered with
  // `Connection: close` whatever the app writes.
  // One shared listener per answer, no closure: this runs for every request.
  function answered(this: ServerResponse) {
    answering.delete(this);
  }
  server.prependListener('request', (_request, response: ServerResponse) => {
    if (stopping) response.shouldKeepAlive = false;
    answering.add(response);
    response.on('close', answered);
  });
  return {
    inFlight: () => answering.size,
    async stop() {
      stopping = true;
      for (const response of answering) if (!response.headersSent) response.shouldKeepAlive = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      try {
        await closed;
      } finally {
        clearInterval(sweep);
      }
    },
  };
}
