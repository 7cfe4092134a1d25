/**
 * REDIS_COALESCE_WRITES=on: the commands a turn of the event loop sends leave in one socket write
 * (off: one write each), each still answered with its own reply.
 */
import type { Socket } from 'node:net';
import { Cluster, type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineScripts } from '../src/lua/load.ts';
import { connectRedis, type RedisConnection } from '../src/redis/connect.ts';
import { redisEnv } from './support/harness.ts';

/** Socket writes handed to the OS while `send` runs and its replies come back. */
async function writesDuring(client: Redis, send: () => Promise<unknown>): Promise<number> {
  const socket = (client as unknown as { stream: Socket & { _write: unknown; _writev: unknown } }).stream;
  const write = socket._write as (...a: unknown[]) => void;
  const writev = socket._writev as (...a: unknown[]) => void;
  let writes = 0;
  socket._write = function (this: Socket, ...a: unknown[]) {
    writes++;
    return write.apply(this, a);
  };
  socket._writev = function (this: Socket, ...a: unknown[]) {
    writes++;
    return writev.apply(this, a);
  };
  try {
    await send();
  } finally {
    socket._write = write;
    socket._writev = writev;
  }
  return writes;
}

/** The node client to look at: the client itself, or on a cluster one of its nodes. */
async function nodeOf(c: RedisConnection): Promise<Redis> {
  if (!(c.client instanceof Cluster)) return c.client;
  await c.client.ping();
  const [node] = c.client.nodes('master').filter((n) => n.status === 'ready');
  return node as Redis;
}

describe.each(['on', 'off'] as const)('REDIS_COALESCE_WRITES=%s', (setting) => {
  let c: RedisConnection;
  beforeAll(async () => {
    c = await connectRedis(
      { ...redisEnv(), DATA_DIR: '', REDIS_COALESCE_WRITES: setting },
      () => {},
      defineScripts,
    );
  });
  afterAll(() => c.close());

  it(
    setting === 'on' ? 'sends 20 commands of one turn in one write' : 'sends each command by itself',
    async () => {
      const node = await nodeOf(c);
      let answers: string[] = [];
      const writes = await writesDuring(node, async () => {
        answers = await Promise.all(Array.from({ length: 20 }, (_, i) => node.echo(String(i))));
      });
      if (setting === 'on') expect(writes).toBe(1);
      else expect(writes).toBeGreaterThanOrEqual(10);
      expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    },
  );
});
