// The orders resting at one price, oldest first (time priority).
import type { SimOrder } from './order.ts';

export class PriceLevel {
  readonly priceTicks: number;
  head: SimOrder | null = null;
  tail: SimOrder | null = null;
  /** Sum of the leaves of the orders in the queue. */
  totalLots = 0;
  count = 0;

  constructor(priceTicks: number) {
    this.priceTicks = priceTicks;
  }

  get empty(): boolean {
    return this.head === null;
  }

  append(order: SimOrder): void {
    order.level = this;
    order.prev = this.tail;
    order.next = null;
    if (this.tail === null) this.head = order;
    else this.tail.next = order;
    this.tail = order;
    this.totalLots += order.leavesLots;
    this.count++;
  }

  remove(order: SimOrder): void {
    if (order.prev === null) this.head = order.next;
    else order.prev.next = order.next;
    if (order.next === null) this.tail = order.prev;
    else order.next.prev = order.prev;
    this.totalLots -= order.leavesLots;
    this.count--;
    order.level = null;
    order.prev = null;
    order.next = null;
  }
}
