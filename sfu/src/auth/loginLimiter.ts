import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface LoginLimits {
  /** Failed logins allowed per username within `windowMs`, then the username is locked. */
  maxFailuresPerUser: number;
  /** Failed logins allowed per client address within `windowMs`, then the address is locked. */
  maxFailuresPerAddress: number;
  /** Counting window and lock duration, ms. */
  windowMs: number;
}

/**
 * Limits password guessing, per username (from any address) and per client address (for any
 * username), with rate-limiter-flexible's in-memory limiter. Only failures count; a success
 * clears the username's count. Counts live in memory: a restart clears them.
 */
export class LoginLimiter {
  private readonly byUser: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(private readonly limits: LoginLimits) {
    const seconds = Math.max(1, Math.ceil(limits.windowMs / 1000));
    this.byUser = new RateLimiterMemory({ keyPrefix: 'user', points: limits.maxFailuresPerUser, duration: seconds, blockDuration: seconds });
    this.byAddress = new RateLimiterMemory({ keyPrefix: 'addr', points: limits.maxFailuresPerAddress, duration: seconds, blockDuration: seconds });
  }

  /** How long this username or address must still wait, ms; 0 when a login may be tried. */
  async retryAfterMs(username: string, address: string): Promise<number> {
    const [user, addr] = await Promise.all([this.byUser.get(username.toLowerCase()), this.byAddress.get(address)]);
    const wait = (res: Awaited<ReturnType<RateLimiterMemory['get']>>, max: number) => (res && res.consumedPoints >= max ? Math.max(1, res.msBeforeNext) : 0);
    return Math.max(wait(user, this.limits.maxFailuresPerUser), wait(addr, this.limits.maxFailuresPerAddress));
  }

  /** Count one failed login. */
  async recordFailure(username: string, address: string): Promise<void> {
    // consume() rejects once the points are used up; that is the lock, not an error here.
    await Promise.allSettled([this.byUser.consume(username.toLowerCase()), this.byAddress.consume(address)]);
  }

  /** Clear the username's failures after a successful login. */
  async recordSuccess(username: string): Promise<void> {
    await this.byUser.delete(username.toLowerCase());
  }
}
