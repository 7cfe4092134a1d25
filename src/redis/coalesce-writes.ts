/**
 * REDIS_COALESCE_WRITES=on: coalesces the shared client's socket writes. ioredis writes every
 * command by itself: one syscall each, and one wake-up of Redis each. Here the first write of a turn
 * of the event loop corks the socket, and the writes that follow in the same turn (the next step of
 * every request whose reply came in the same read) leave together, in one writev, once the turn's
 * queued work is done (process.nextTick).
 *
 * Measured with `npm run bench:orders` (base without it, same run, 2 shared cores): Redis's read
 * events per checkout pair 1.02 -> 0.26 and its CPU per pair 84 -> 74 µs, but pairs/s 0.89x, because
 * here the one web process is the limit and each command now waits for the end of its turn. It pays
 * where Redis is the limit (many web processes on one Redis); off by default.
 */
import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';

const COALESCED = Symbol('coalesced');

function coalesce(socket: Socket & { [COALESCED]?: true }): void {
  if (socket[COALESCED]) return;
  socket[COALESCED] = true;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const write = socket.write;
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}

/** Applies to the client's connection now and after every reconnect. */
export function coalesceWrites(client: Redis): void {
  const apply = () => {
    const stream = (client as unknown as { stream?: Socket }).stream;
    if (stream) coalesce(stream);
  };
  client.on('connect', apply);
  apply();
}
