/**
 * Fresh SIP identifiers: tags (RFC 3261 §19.3), Via branches (§8.1.1.7) and Call-IDs (§8.1.1.4).
 * All come from node:crypto. Tags and Call-IDs are decimal digits, as GB/T 28181 devices
 * write them (some devices store them in numeric fields); each carries more than the 32 bits
 * of randomness §19.3 asks of a tag.
 */
import { randomBytes, randomInt } from 'node:crypto';

/** RFC 3261 §8.1.1.7 magic cookie: a branch that starts with it names an RFC 3261 transaction. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

function digits(count: number): string {
  let out = '';
  while (out.length < count) out += String(randomInt(0, 1_000_000)).padStart(6, '0');
  return out.slice(0, count);
}

/** A From/To tag: 12 random decimal digits (~40 bits, RFC 3261 §19.3 asks for at least 32). */
export function generateTag(): string {
  return digits(12);
}

/** A Via branch: the magic cookie and 16 random hex digits (RFC 3261 §8.1.1.7: unique across space and time). */
export function generateBranch(): string {
  return `${BRANCH_MAGIC_COOKIE}${randomBytes(8).toString('hex')}`;
}

/** A Call-ID: 18 random decimal digits (~60 bits, RFC 3261 §8.1.1.4), `@host` appended when given. */
export function generateCallId(host?: string): string {
  return host ? `${digits(18)}@${host}` : digits(18);
}
