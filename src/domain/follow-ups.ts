/**
 * What the order flows need of the durable follow-up jobs (implemented by src/jobs/queue.ts on
 * BullMQ): the expiry of an unpaid order at its deadline and the backstop of a seller's payout,
 * scheduled before the step they guard and removed, best effort, once it is done.
 */

/** The order a follow-up is for (the store is '' when the job does not need it). */
export interface OrderRef {
  orderId: string;
  buyer: string;
  store: string;
}

export interface FollowUps {
  scheduleExpiry(ref: OrderRef, delayMs: number): Promise<void>;
  cancelExpiry(orderId: string): void;
  scheduleSettle(ref: OrderRef): Promise<void>;
  cancelSettle(orderId: string): void;
  /** Expiry jobs whose time has come, oldest first (at most `limit`). */
  dueExpiries(now: number, limit: number): Promise<{ ref: OrderRef; remove(): Promise<unknown> }[]>;
}
