/**
 * The job catalog of the "orders" queue: each job name with its payload schema and retry policy.
 * Job ids are deterministic (`<name>-<orderId>`) and never contain ':'.
 */
import * as v from 'valibot';
import type { OrderRef as Ref } from '../domain/follow-ups.ts';

export const QUEUE_NAME = 'orders';

export const OrderRef = v.object({
  orderId: v.string(),
  buyer: v.string(),
  store: v.string(),
}) satisfies v.GenericSchema<Ref>;
export type OrderRef = Ref;

/** The payload of a sweep job: the shard of stores it sweeps (domain/expiry.ts). */
export const SweepShard = v.object({ shard: v.pipe(v.number(), v.integer(), v.minValue(0)) });

/**
 * Every per-order job reconciles one order (domain/reconcile.ts); the name says why it was scheduled.
 * `delayMs` of settle: how long the inline follow-up has before the job does it instead.
 */
export const jobCatalog = {
  /**
   * At the payment deadline: cancel the order if still unpaid and return its stock. No longer
   * scheduled (the sweep does it); still run, for orders placed before the sweep existed.
   */
  expire: { payload: OrderRef, attempts: 1000, backoffMs: 1000, delayMs: 0 },
  /** Backstop of a receipt: make sure the seller is paid. */
  settle: { payload: OrderRef, attempts: 1000, backoffMs: 1000, delayMs: 2_000 },
} as const;

export type JobName = keyof typeof jobCatalog;

/** The name of the jobs the per-shard job schedulers produce, and each scheduler's id. */
export const SWEEP_JOB = 'sweep';
export const sweepSchedulerId = (shard: number) => `sweep-${shard}`;

/** Deterministic job ids; client-given order ids are encoded so an id never contains ':'. */
export const jobId = (name: JobName, orderId: string) =>
  `${name}-${orderId.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'))}`;
