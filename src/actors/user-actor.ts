/**
 * The user actor: every change to one user's slot (account, balance, tokens, the orders this user
 * placed, payouts received as a seller) goes through it, in order.
 */
import type { Call, OrderDraft, ScriptCalls } from '../lua/scripts.ts';

export type UserMessage =
  | { type: 'register'; pwHash: string; now: number }
  | { type: 'unregister'; epoch: string }
  | { type: 'changePassword'; epoch: string; pwHash: string }
  | { type: 'revokeToken'; epoch: string; tokenId: string; expiresAt: number; now: number }
  | { type: 'addFunds'; epoch: string; delta: number }
  | { type: 'createOrder'; draft: OrderDraft }
  | { type: 'pay'; orderId: string; epoch: string; now: number }
  | { type: 'cancel'; orderId: string; epoch: string; now: number }
  | { type: 'confirmReceipt'; orderId: string; epoch: string; now: number }
  | { type: 'markShipped'; orderId: string; store: string; now: number }
  | { type: 'expire'; orderId: string; now: number; tombstoneMs: number }
  | { type: 'creditPayout'; orderId: string; amount: string };

export const userHandler =
  (scripts: ScriptCalls, user: string) =>
  (m: UserMessage): Call => {
    switch (m.type) {
      case 'register':
        return scripts.register(user, m.pwHash, m.now);
      case 'unregister':
        return scripts.unregister(user, m.epoch);
      case 'changePassword':
        return scripts.changePassword(user, m.epoch, m.pwHash);
      case 'revokeToken':
        return scripts.revokeToken(user, m.epoch, m.tokenId, m.expiresAt, m.now);
      case 'addFunds':
        return scripts.addFunds(user, m.epoch, m.delta);
      case 'createOrder':
        return scripts.createOrder(m.draft);
      case 'pay':
        return scripts.payOrder(user, m.orderId, m.epoch, m.now);
      case 'cancel':
        return scripts.cancelOrder(user, m.orderId, m.epoch, m.now);
      case 'confirmReceipt':
        return scripts.confirmReceipt(user, m.orderId, m.epoch, m.now);
      case 'markShipped':
        return scripts.markShipped(user, m.orderId, m.store, m.now);
      case 'expire':
        return scripts.expireOrder(user, m.orderId, m.now, m.tombstoneMs);
      case 'creditPayout':
        return scripts.creditPayout(user, m.orderId, m.amount);
    }
  };
