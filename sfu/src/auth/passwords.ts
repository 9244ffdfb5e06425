import { hash, verify } from '@node-rs/argon2';

/**
 * Password hashing with Argon2id (RFC 9106) through @node-rs/argon2, at its defaults
 * (m = 19 MiB, t = 2, p = 1: OWASP's recommended minimum; about 50 ms on one core here).
 * Hashes are self-describing PHC strings (`$argon2id$v=19$m=...`), so the cost can be raised
 * later without invalidating stored ones.
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A real hash of a random secret, verified against when the username is unknown, so timing does not reveal which usernames exist. */
let decoyHash: Promise<string> | null = null;

/**
 * Check `password` against `encoded`; with `encoded` null (unknown user) it spends the same
 * time and returns false. A malformed stored hash counts as a mismatch, never a throw.
 */
export async function verifyPassword(encoded: string | null, password: string): Promise<boolean> {
  if (encoded === null) {
    decoyHash ??= hash(`decoy-${Math.random()}`);
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(encoded, password);
  } catch {
    return false;
  }
}
