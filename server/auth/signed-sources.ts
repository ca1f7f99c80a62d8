/**
 * Machine sources the hub trusts like an agency's identity provider (LPR systems, alert
 * sources): each a configured issuer whose JWKS file is watched for rotated or withdrawn keys,
 * bound to what it may report. Every request carries a JWT the source signed for the hub's
 * audience; the issuer in it names the source. The binding is the caller's (`bind`).
 */
import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { TrustedIssuers, type IssuerChecks } from './issuers.ts';
import { ACCEPTED_ALGORITHMS } from './tokens.ts';
import { HubError } from '../protocol/errors.ts';

export interface SignedSourceConfig {
  name: string;
  issuer: string;
  jwksFile: string;
}

export interface SignedSourceOptions {
  audience: string;
  checks?: IssuerChecks;
  reloadIntervalMs?: number;
  /** What a source is called in refusals: `{ ko: 'LPR 시스템', en: 'LPR system' }`. */
  label: { ko: string; en: string };
}

/** Tokens kept verified: a source reuses one for many requests (a batch every second, for a minute). */
const VERIFIED_MAX = 256;

export class SignedSources<S> {
  readonly #issuers: TrustedIssuers;
  readonly #byIssuer: ReadonlyMap<string, { name: string; source: S }>;
  readonly #audience: string;
  readonly #label: SignedSourceOptions['label'];
  /**
   * Tokens that verified, until they expire: a signature check costs more than storing a read.
   * Emptied whenever the key sets are read again, so a withdrawn key stops its tokens at once.
   */
  readonly #verified = new Map<string, { source: S; expiresAt: number }>();

  private constructor(issuers: TrustedIssuers, byIssuer: ReadonlyMap<string, { name: string; source: S }>, options: SignedSourceOptions) {
    this.#issuers = issuers;
    this.#byIssuer = byIssuer;
    this.#audience = options.audience;
    this.#label = options.label;
    issuers.onReload(() => this.#verified.clear());
  }

  /** Refuses to start on a key set that fails a check (a private, symmetric or development key in production). */
  static async load<C extends SignedSourceConfig, S>(configs: readonly C[], bind: (config: C) => S, options: SignedSourceOptions): Promise<SignedSources<S>> {
    const issuers = await TrustedIssuers.load(
      configs.map(({ issuer, jwksFile }) => ({ issuer, agencies: [], jwksFile })),
      options.checks
    );
    if (options.reloadIntervalMs !== undefined) issuers.watch(options.reloadIntervalMs);
    return new SignedSources(issuers, new Map(configs.map((config) => [config.issuer, { name: config.name, source: bind(config) }] as const)), options);
  }

  /** The source that signed this bearer token, or a HubError (AUTH_REQUIRED, AUTH_UNTRUSTED_ISSUER, AUTH_INVALID_TOKEN, AUTH_TOKEN_EXPIRED). */
  async verify(token: string | undefined): Promise<S> {
    const { ko, en } = this.#label;
    if (!token) throw new HubError('AUTH_REQUIRED', `${ko}의 서명 토큰이 필요합니다 (a signed ${en} token is required)`);
    const known = this.#verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.source;
    if (token.length > 4096) throw new HubError('AUTH_INVALID_TOKEN', '토큰이 너무 깁니다 (token too long)');
    let issuerId: unknown;
    try {
      issuerId = decodeJwt(token).iss;
    } catch {
      throw new HubError('AUTH_INVALID_TOKEN', '토큰 형식이 잘못되었습니다 (malformed token)');
    }
    const bound = typeof issuerId === 'string' ? this.#byIssuer.get(issuerId) : undefined;
    const issuer = typeof issuerId === 'string' ? this.#issuers.map.get(issuerId) : undefined;
    if (!bound || !issuer) throw new HubError('AUTH_UNTRUSTED_ISSUER', `신뢰하지 않는 ${ko}입니다 (untrusted ${en})`);
    let expiresAt: number;
    try {
      const { payload } = await jwtVerify(token, issuer.keys, { issuer: issuer.issuer, audience: this.#audience, algorithms: ACCEPTED_ALGORITHMS, requiredClaims: ['exp'], clockTolerance: 5 });
      expiresAt = payload.exp! * 1000;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new HubError('AUTH_TOKEN_EXPIRED', '토큰이 만료되었습니다 (token expired)');
      const code = error instanceof joseErrors.JOSEError ? error.code : 'unknown';
      // A signature by a key the source does not publish is an untrusted signer, whatever it claims.
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWKS_NO_MATCHING_KEY') {
        throw new HubError('AUTH_UNTRUSTED_ISSUER', `${ko}의 키로 서명되지 않았습니다 (not signed by a key of ${bound.name})`);
      }
      throw new HubError('AUTH_INVALID_TOKEN', `토큰을 확인할 수 없습니다 (token rejected: ${code})`);
    }
    if (this.#verified.size >= VERIFIED_MAX) this.#verified.clear();
    this.#verified.set(token, { source: bound.source, expiresAt });
    return bound.source;
  }

  close(): void {
    this.#issuers.close();
  }
}
