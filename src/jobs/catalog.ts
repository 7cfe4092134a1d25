/**
 * The job catalog of the "orders" queue: each job name with its payload schema and retry policy.
 * Job ids are deterministic (`<name>-<orderId>`) and never contain ':'.
 */
import * as v from 'valibot';

export const QUEUE_NAME = 'orders';

export const OrderRef = v.object({
  orderId: v.string(),
  buyer: v.string(),
  store: v.string(),
});
export type OrderRef = v.InferOutput<typeof OrderRef>;

export const jobCatalog = {
  /** At the payment deadline: cancel the order if still unpaid and return its stock. */
  expire: { payload: OrderRef, attempts: 20, backoffMs: 1000 },
} as const;

export type JobName = keyof typeof jobCatalog;

export const jobId = (name: JobName, orderId: string) => `${name}-${orderId}`;
