/**
 * A registry of live actors by key: creates on first use, evicts actors idle for `idleMs` (checked
 * by `sweep`, which the owner calls on a timer), and stops them all on shutdown.
 */
import type { Clock } from './clock.ts';

export interface Stoppable {
  readonly idle: boolean;
  stop(): void;
}

export class ActorRegistry<A extends Stoppable> {
  private actors = new Map<string, { actor: A; lastUsed: number }>();

  constructor(
    private readonly create: (key: string) => A,
    private readonly options: { idleMs: number; clock: Clock },
  ) {}

  get size(): number {
    return this.actors.size;
  }

  keys(): IterableIterator<string> {
    return this.actors.keys();
  }

  get(key: string): A {
    const now = this.options.clock.now();
    const found = this.actors.get(key);
    if (found) {
      found.lastUsed = now;
      return found.actor;
    }
    const actor = this.create(key);
    this.actors.set(key, { actor, lastUsed: now });
    return actor;
  }

  /** Stops and forgets actors with empty mailboxes unused for idleMs; returns how many. */
  sweep(): number {
    const cutoff = this.options.clock.now() - this.options.idleMs;
    let evicted = 0;
    for (const [key, { actor, lastUsed }] of this.actors) {
      if (lastUsed <= cutoff && actor.idle) {
        actor.stop();
        this.actors.delete(key);
        evicted++;
      }
    }
    return evicted;
  }

  stopAll(): void {
    for (const { actor } of this.actors.values()) actor.stop();
    this.actors.clear();
  }
}
