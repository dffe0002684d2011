// Brute-force protection for logins: after `maxFailures` failures for one user, or four times that from one
// address, further attempts are refused until the oldest failure is `ttlSeconds` old. The state lives in
// memory, per API server.

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly ttlSeconds: number,
  ) {}

  private recent(key: string, now: number): number[] {
    const cutoff = now - this.ttlSeconds * 1000;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** The refusal message when locked, else null. */
  check(user: string, address: string, now = Date.now()): string | null {
    const byUser = this.recent(`u:${user}`, now).length >= this.maxFailures;
    const byAddr = this.recent(`a:${address}`, now).length >= this.maxFailures * 4;
    if (!byUser && !byAddr) return null;
    return `Maximum password retry of ${this.maxFailures} was reached. This account is locked for the next ${this.ttlSeconds} seconds...`;
  }

  fail(user: string, address: string, now = Date.now()): void {
    for (const key of [`u:${user}`, `a:${address}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 100_000) this.sweep(now);
  }

  succeed(user: string): void {
    this.failures.delete(`u:${user}`);
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }
}
