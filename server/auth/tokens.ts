/** Token verification: from a bearer string to a principal, or a HubError with a stable code. */
import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { HubError } from '../protocol/errors.ts';
import { hubClaimsSchema, principalFromClaims, type Principal } from './principal.ts';
import type { TrustedIssuer } from './issuers.ts';

/** Asymmetric algorithms only: `none` and HMAC (the public-key-as-secret confusion) never verify. */
export const ACCEPTED_ALGORITHMS = ['EdDSA', 'ES256'];

export interface VerifyOptions {
  issuers: ReadonlyMap<string, TrustedIssuer>;
  audience: string;
  /** Injectable clock for tests. */
  now?: () => number;
  clockToleranceSec?: number;
  /** How far ahead of the hub's clock a token's `iat` may be (the IdP's clock skew); later is refused. Default 60 s. */
  maxIssuedAtSkewSec?: number;
}

export async function verifyToken(token: unknown, options: VerifyOptions): Promise<Principal> {
  if (typeof token !== 'string' || token.length === 0) throw new HubError('AUTH_REQUIRED', '로그인이 필요합니다 (sign-in required)');
  if (token.length > 8192) throw new HubError('AUTH_INVALID_TOKEN', '토큰이 너무 깁니다 (token too long)');

  let issuerId: unknown;
  try {
    issuerId = decodeJwt(token).iss;
  } catch {
    throw new HubError('AUTH_INVALID_TOKEN', '토큰 형식이 잘못되었습니다 (malformed token)');
  }
  const issuer = typeof issuerId === 'string' ? options.issuers.get(issuerId) : undefined;
  if (!issuer) throw new HubError('AUTH_UNTRUSTED_ISSUER', '신뢰하지 않는 발급기관입니다 (untrusted issuer)');

  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, issuer.keys, {
      issuer: issuer.issuer,
      audience: options.audience,
      algorithms: ACCEPTED_ALGORITHMS,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: options.clockToleranceSec ?? 5,
      currentDate: options.now ? new Date(options.now()) : undefined
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new HubError('AUTH_TOKEN_EXPIRED', '토큰이 만료되었습니다 (token expired)');
    const code = error instanceof joseErrors.JOSEError ? error.code : 'unknown';
    throw new HubError('AUTH_INVALID_TOKEN', `토큰을 확인할 수 없습니다 (token rejected: ${code})`);
  }

  const claims = hubClaimsSchema.safeParse(payload);
  if (!claims.success) throw new HubError('AUTH_INVALID_TOKEN', '토큰의 권한 정보가 잘못되었습니다 (invalid claims)');
  // jose checks iat only against a maximum age; a token "issued" tomorrow would outlive a revocation made today.
  const now = options.now?.() ?? Date.now();
  if (claims.data.iat !== undefined && claims.data.iat * 1000 > now + (options.maxIssuedAtSkewSec ?? 60) * 1000) {
    throw new HubError('AUTH_INVALID_TOKEN', '발급 시각이 미래인 토큰입니다 (token issued in the future)');
  }
  if (!issuer.agencies.has(claims.data.agency)) {
    throw new HubError('AUTH_UNTRUSTED_ISSUER', '이 발급기관은 해당 기관의 토큰을 발급할 수 없습니다 (issuer not trusted for this agency)');
  }
  return principalFromClaims(issuer.issuer, claims.data);
}
