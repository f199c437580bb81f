import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret token: 32 random bytes as base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The SHA-256 of a token as 64 hex digits: what a server keeps instead of the token itself. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `token` hashes to `expectedHash`, compared in constant time. */
export function tokenMatches(token: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
