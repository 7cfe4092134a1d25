/**
 * What the order flows need of the durable follow-up jobs (implemented by src/jobs/queue.ts on
 * BullMQ): the backstop of a seller's payout, scheduled before the step it guards and removed, best
 * effort, once it is done. (Expiry needs no job per order: see expiry.ts.)
 */

/** The order a follow-up is for (the store is '' when the job does not need it). */
export interface OrderRef {
  orderId: string;
  buyer: string;
  store: string;
}

export interface FollowUps {
  scheduleSettle(ref: OrderRef): Promise<void>;
  /** Best effort (a job left behind finds nothing to do); resolves once the removal is done or failed. */
  cancelSettle(orderId: string): Promise<void>;
}
