/**
 * Typed calls of the scripts of an order in its buyer's slot: creating it, paying, cancelling,
 * shipping and receiving it, its expiry, and the seller's payout (in the seller's slot).
 */
import type { Keys } from '../../redis/keys.ts';
import { scriptCall, userEntity } from '../call.ts';
import { Code } from '../codes.ts';
import { codeOnly, type IdemMark, userMark } from './idem.ts';

export interface OrderDraft {
  orderId: string;
  buyer: string;
  store: string;
  /** cents, as the reservation computed it */
  amount: string;
  now: number;
  deadline: number;
}

/** The session token a new order was asked with (its signature already verified). */
export interface TokenProof {
  epoch: string;
  tokenId: string;
}

/** An order step the buyer takes with a verified password. */
export interface BuyerStep {
  buyer: string;
  orderId: string;
  epoch: string;
  now: number;
}

export function orderScripts(k: Keys) {
  const keysOf = (s: BuyerStep) => [k.user(s.buyer), k.order(s.buyer, s.orderId)] as const;
  return {
    createOrder: (d: OrderDraft, proof: TokenProof, idem?: IdemMark) => {
      const m = userMark(k, d.buyer, idem);
      const draft = [d.orderId, d.store, d.amount, d.now, d.deadline] as const;
      return scriptCall(
        'createOrder',
        userEntity(d.buyer),
        (r) =>
          r.createOrder(
            k.user(d.buyer),
            k.revoked(d.buyer),
            k.order(d.buyer, d.orderId),
            k.buyerOrders(d.buyer),
            m.record,
            proof.epoch,
            proof.tokenId,
            ...draft,
            m.answer,
            m.ttlMs,
          ),
        codeOnly,
      );
    },
    payToPlatform: (s: BuyerStep, idem?: IdemMark) => {
      const m = userMark(k, s.buyer, idem);
      return scriptCall(
        'payToPlatform',
        userEntity(s.buyer),
        (r) => r.payToPlatform(...keysOf(s), m.record, s.epoch, s.now, m.answer, m.ttlMs),
        (raw) => {
          if (raw[0] === Code.OK) return { code: raw[0], store: raw[1] };
          return raw[0] === Code.CANCELLED ? { code: raw[0], expiredNow: raw[1] === 1 } : { code: raw[0] };
        },
      );
    },
    cancelOrder: (s: BuyerStep, idem?: IdemMark) => {
      const m = userMark(k, s.buyer, idem);
      return scriptCall(
        'cancelOrder',
        userEntity(s.buyer),
        (r) => r.cancelOrder(...keysOf(s), m.record, s.epoch, s.now, m.answer, m.ttlMs),
        (raw) => (raw[0] === Code.OK ? { code: raw[0], store: raw[1] } : { code: raw[0] }),
      );
    },
    confirmReceipt: (s: BuyerStep, idem?: IdemMark) => {
      const m = userMark(k, s.buyer, idem);
      return scriptCall(
        'confirmReceipt',
        userEntity(s.buyer),
        (r) => r.confirmReceipt(...keysOf(s), m.record, s.epoch, s.now, m.answer, m.ttlMs),
        (raw) => (raw[0] === Code.OK ? { code: raw[0], store: raw[1], amount: raw[2] } : { code: raw[0] }),
      );
    },
    markShipped: (buyer: string, orderId: string, store: string, now: number) =>
      scriptCall(
        'markShipped',
        userEntity(buyer),
        (r) => r.markShipped(k.order(buyer, orderId), store, now),
        codeOnly,
      ),
    expireOrder: (buyer: string, orderId: string, now: number, tombstoneMs: number) =>
      scriptCall(
        'expireOrder',
        userEntity(buyer),
        (r) => r.expireOrder(k.order(buyer, orderId), now, tombstoneMs),
        (raw) => ({ code: raw[0], status: raw[1], changed: raw[2] === 1 }),
      ),
    creditPayout: (seller: string, orderId: string, amount: string) =>
      scriptCall(
        'creditPayout',
        userEntity(seller),
        (r) => r.creditPayout(k.user(seller), k.payouts(seller), orderId, amount),
        (raw) => ({ code: Code.OK, credited: raw[0] === Code.OK }),
      ),
  };
}
