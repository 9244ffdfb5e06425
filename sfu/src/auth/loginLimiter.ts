import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface LoginLimits {
  /**
   * Failed logins allowed for one username from one address within `windowMs`; then that
   * username is locked for that address only, so nobody can lock a duty operator out from elsewhere.
   */
  maxFailuresPerUser: number;
  /** Failed logins allowed per client address within `windowMs` (any usernames), then the address is locked. */
  maxFailuresPerAddress: number;
  /** Counting window and lock duration, ms. */
  windowMs: number;
}

/** A username guessed at from many addresses is locked everywhere after this many times `maxFailuresPerUser`. */
const DISTRIBUTED_FACTOR = 10;

/**
 * Limits password guessing with rate-limiter-flexible's in-memory limiter, on three keys:
 * a username from one address (`maxFailuresPerUser`), one address for any username
 * (`maxFailuresPerAddress`), and a username from all addresses together (ten times
 * `maxFailuresPerUser`, against distributed guessing). Only failures count; a success clears
 * the username's counts for that address. Counts live in memory: a restart clears them.
 */
export class LoginLimiter {
  private readonly byUserAtAddress: RateLimiterMemory;
  private readonly byUser: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(private readonly limits: LoginLimits) {
    const seconds = Math.max(1, Math.ceil(limits.windowMs / 1000));
    const limiter = (keyPrefix: string, points: number) => new RateLimiterMemory({ keyPrefix, points, duration: seconds, blockDuration: seconds });
    this.byUserAtAddress = limiter('user-addr', limits.maxFailuresPerUser);
    this.byUser = limiter('user', limits.maxFailuresPerUser * DISTRIBUTED_FACTOR);
    this.byAddress = limiter('addr', limits.maxFailuresPerAddress);
  }

  private static userKey(username: string): string {
    return username.toLowerCase();
  }

  /** How long this username or address must still wait, ms; 0 when a login may be tried. */
  async retryAfterMs(username: string, address: string): Promise<number> {
    const user = LoginLimiter.userKey(username);
    const [pair, all, addr] = await Promise.all([this.byUserAtAddress.get(`${user}@${address}`), this.byUser.get(user), this.byAddress.get(address)]);
    const wait = (res: Awaited<ReturnType<RateLimiterMemory['get']>>, max: number) => (res && res.consumedPoints >= max ? Math.max(1, res.msBeforeNext) : 0);
    return Math.max(
      wait(pair, this.limits.maxFailuresPerUser),
      wait(all, this.limits.maxFailuresPerUser * DISTRIBUTED_FACTOR),
      wait(addr, this.limits.maxFailuresPerAddress),
    );
  }

  /** Count one failed login. */
  async recordFailure(username: string, address: string): Promise<void> {
    const user = LoginLimiter.userKey(username);
    // consume() rejects once the points are used up; that is the lock, not an error here.
    await Promise.allSettled([this.byUserAtAddress.consume(`${user}@${address}`), this.byUser.consume(user), this.byAddress.consume(address)]);
  }

  /** Clear the username's failures from this address after a successful login. */
  async recordSuccess(username: string, address: string): Promise<void> {
    await this.byUserAtAddress.delete(`${LoginLimiter.userKey(username)}@${address}`);
  }
}
