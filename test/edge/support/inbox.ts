// Items in arrival order; wait() takes the first (kept or next) that matches, once. Shared
// by the raw FIX connection and the third-party FIX engine of the tests.

export class Inbox<T> {
  private readonly items: T[] = [];
  private waiters: { match: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  push(item: T): void {
    const i = this.waiters.findIndex((w) => w.match(item));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(item);
    else this.items.push(item);
  }

  /** `what` names what is awaited in the timeout's error (a function: told as it is then). */
  wait(match: (item: T) => boolean, timeoutMs: number, what: string | (() => string)): Promise<T> {
    const i = this.items.findIndex(match);
    if (i >= 0) return Promise.resolve(this.items.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const named = typeof what === 'string' ? what : what();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${named}`));
      }, timeoutMs);
      // A wait that lost a race must not keep the test process alive.
      timer.unref();
      this.waiters.push(waiter);
    });
  }
}
