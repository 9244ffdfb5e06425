import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

/** Claims Argus puts in a session token (RFC 7519): user, session, expiry. */
export interface SessionClaims {
  /** User id. */
  sub: string;
  /** Session id: the token is honoured only while that session is open in the store. */
  sid: string;
  /** Expiry, epoch ms (the JWT `exp` claim itself is in seconds). */
  expiresAt: number;
}

const ISSUER = 'argus';
const AUDIENCE = 'argus-wall';

/** A token that is malformed, forged, expired or not ours. `reason` says which, for the log. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
}

/**
 * Signs and verifies session tokens: JWT with HS256 (RFC 7518 §3.2) through `jose`.
 * @param secret at least 32 bytes.
 */
export class SessionTokens {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    if (Buffer.byteLength(secret) < 32) throw new Error('the token secret must be at least 32 bytes');
    this.key = new TextEncoder().encode(secret);
  }

  async sign(claims: SessionClaims): Promise<string> {
    return new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(claims.expiresAt / 1000))
      .sign(this.key);
  }

  /** @throws TokenError when the token is malformed, badly signed, expired or for another audience. */
  async verify(token: string): Promise<SessionClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') {
        throw new TokenError('token lacks sub, sid or exp');
      }
      return { sub: payload.sub, sid: payload.sid, expiresAt: payload.exp * 1000 };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new TokenError('token expired');
      throw new TokenError(`invalid token: ${(error as Error).message}`);
    }
  }
}
