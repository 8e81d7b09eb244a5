// An OrderOwner that records what the router tells it, for the router tests.
import type { RejectCodeValue } from '../../../src/pipeline/reject-codes.ts';
import type { OrderOwner, PendingRequest } from '../../../src/routing/order-owner.ts';
import type { OrderRecord } from '../../../src/state/order-registry.ts';

export type OwnerCall =
  | { kind: 'accepted'; order: OrderRecord }
  | { kind: 'rejected'; order: OrderRecord; code: RejectCodeValue; text: string }
  | { kind: 'filled'; order: OrderRecord; qtyLots: number; priceTicks: number; tradeId: number }
  | { kind: 'canceled'; order: OrderRecord; request: PendingRequest | null }
  | { kind: 'replaced'; order: OrderRecord; request: PendingRequest }
  | { kind: 'cancelRejected'; request: PendingRequest; code: RejectCodeValue; text: string }
  | { kind: 'massCanceled'; request: PendingRequest; count: number }
  | { kind: 'massCancelRejected'; request: PendingRequest; code: RejectCodeValue; text: string }
  | { kind: 'timedOut'; order: OrderRecord | null; request: PendingRequest | null };

export class RecordingOwner implements OrderOwner {
  readonly calls: OwnerCall[] = [];

  accepted(order: OrderRecord): void {
    this.calls.push({ kind: 'accepted', order });
  }
  rejected(order: OrderRecord, code: RejectCodeValue, text: string): void {
    this.calls.push({ kind: 'rejected', order, code, text });
  }
  filled(order: OrderRecord, qtyLots: number, priceTicks: number, tradeId: number): void {
    this.calls.push({ kind: 'filled', order, qtyLots, priceTicks, tradeId });
  }
  canceled(order: OrderRecord, request: PendingRequest | null): void {
    this.calls.push({ kind: 'canceled', order, request });
  }
  replaced(order: OrderRecord, request: PendingRequest): void {
    this.calls.push({ kind: 'replaced', order, request });
  }
  cancelRejected(request: PendingRequest, code: RejectCodeValue, text: string): void {
    this.calls.push({ kind: 'cancelRejected', request, code, text });
  }
  massCanceled(request: PendingRequest, count: number): void {
    this.calls.push({ kind: 'massCanceled', request, count });
  }
  massCancelRejected(request: PendingRequest, code: RejectCodeValue, text: string): void {
    this.calls.push({ kind: 'massCancelRejected', request, code, text });
  }
  timedOut(order: OrderRecord | null, request: PendingRequest | null): void {
    this.calls.push({ kind: 'timedOut', order, request });
  }

  /** The kinds of the calls so far, in order. */
  kinds(): string[] {
    return this.calls.map((c) => c.kind);
  }

  /** Calls of one kind. */
  of<K extends OwnerCall['kind']>(kind: K): Extract<OwnerCall, { kind: K }>[] {
    return this.calls.filter((c): c is Extract<OwnerCall, { kind: K }> => c.kind === kind);
  }
}
