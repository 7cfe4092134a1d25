/**
 * Loads the Lua scripts of this folder: one file per script named `<verb>-<numberOfKeys>.lua` (the
 * file name is the only place the key count is written), with `--@include <name>` lines replaced by
 * `includes/<name>.lua`. Each script is registered once per client with ioredis `defineCommand`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

const here = new URL('./', import.meta.url);

export interface ScriptSource {
  name: string;
  numberOfKeys: number;
  lua: string;
}

/** Replaces `--@include name` lines by the include's text (itself expanded), each include once. */
function withIncludes(source: string, seen = new Set<string>()): string {
  return source.replace(/^--@include (\w+)$/gm, (_line, name: string) => {
    if (seen.has(name)) return '';
    seen.add(name);
    return withIncludes(readFileSync(new URL(`includes/${name}.lua`, here), 'utf8').trimEnd(), seen);
  });
}

export function readScripts(): ScriptSource[] {
  return readdirSync(here)
    .filter((file) => file.endsWith('.lua'))
    .map((file) => {
      const match = /^(\w+)-(\d+)\.lua$/.exec(file);
      if (!match?.[1] || !match[2])
        throw new Error(`Lua script file name must be <verb>-<keys>.lua: ${file}`);
      const lua = withIncludes(readFileSync(new URL(file, here), 'utf8'));
      return { name: match[1], numberOfKeys: Number(match[2]), lua };
    });
}

let cached: ScriptSource[] | undefined;

/** Registers every script on a client (standalone or cluster); idempotent per client. */
export function defineScripts(client: Redis | Cluster): void {
  cached ??= readScripts();
  for (const { name, numberOfKeys, lua } of cached) {
    if (!(name in client)) client.defineCommand(name, { numberOfKeys, lua });
  }
}
