/**
 * Token checks of the bridge: a random token per start, compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Create a random 32-byte token as 64 hex characters (valid in a WebSocket subprotocol). */
export function createToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Compare a presented token with the expected one in constant time.
 * Both sides are hashed first, so the comparison time does not depend on the length either.
 */
export function tokensMatch(expected: string, presented: string | undefined | null): boolean {
  if (typeof presented !== 'string' || presented.length === 0) {
    return false;
  }
  const expectedDigest = createHash('sha256').update(expected).digest();
  const presentedDigest = createHash('sha256').update(presented).digest();
  return timingSafeEqual(expectedDigest, presentedDigest);
}

/** Extract the token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) {
    return null;
  }
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/**
 * Accept only Host headers naming the loopback address we listen on.
 * This blocks DNS-rebinding pages, which reach 127.0.0.1 under a foreign host name.
 */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) {
    return false;
  }
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  return allowed.includes(hostHeader.toLowerCase());
}
