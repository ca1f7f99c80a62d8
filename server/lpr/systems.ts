/**
 * The LPR systems the hub trusts, each like an agency's identity provider: a configured issuer
 * whose JWKS file is watched for rotated or withdrawn keys, and the cameras and/or 구 it may
 * report. Every request to `/api/lpr/reads` carries a JWT the system signed for the hub's
 * audience; the issuer in it names the system.
 */
import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import type { RegistryCamera } from '../cameras/registry.ts';
import { CITY_WIDE } from '../auth/principal.ts';
import { TrustedIssuers, type IssuerChecks } from '../auth/issuers.ts';
import { ACCEPTED_ALGORITHMS } from '../auth/tokens.ts';
import { HubError } from '../protocol/errors.ts';

export interface LprSystemConfig {
  name: string;
  issuer: string;
  jwksFile: string;
  cameras: readonly string[];
  /** 구 codes, or `*`. */
  districts: readonly string[];
}

/** A system whose request verified. */
export interface LprSource {
  name: string;
  /** Whether its binding covers the camera (by id or by 구). */
  mayReport(camera: Pick<RegistryCamera, 'id' | 'district'>): boolean;
}

/** Tokens kept verified: an LPR system reuses one for many requests (a batch every second, for a minute). */
const VERIFIED_MAX = 256;

export class LprSystems {
  readonly #issuers: TrustedIssuers;
  readonly #byIssuer: ReadonlyMap<string, LprSource>;
  readonly #audience: string;
  /**
   * Tokens that verified, until they expire: a signature check costs more than storing a read.
   * Emptied whenever the key sets are read again, so a withdrawn key stops its tokens at once.
   */
  readonly #verified = new Map<string, { source: LprSource; expiresAt: number }>();

  private constructor(issuers: TrustedIssuers, configs: readonly LprSystemConfig[], audience: string) {
    this.#issuers = issuers;
    this.#audience = audience;
    issuers.onReload(() => this.#verified.clear());
    this.#byIssuer = new Map(
      configs.map((config) => {
        const cameras = new Set(config.cameras);
        const districts = new Set(config.districts);
        const source: LprSource = {
          name: config.name,
          mayReport: (camera) => cameras.has(camera.id) || districts.has(CITY_WIDE) || districts.has(camera.district.code)
        };
        return [config.issuer, source] as const;
      })
    );
  }

  /** Refuses to start on a key set that fails a check (a private, symmetric or development key in production). */
  static async load(configs: readonly LprSystemConfig[], options: { audience: string; checks?: IssuerChecks; reloadIntervalMs?: number }): Promise<LprSystems> {
    const issuers = await TrustedIssuers.load(
      configs.map(({ issuer, jwksFile }) => ({ issuer, agencies: [], jwksFile })),
      options.checks
    );
    if (options.reloadIntervalMs !== undefined) issuers.watch(options.reloadIntervalMs);
    return new LprSystems(issuers, configs, options.audience);
  }

  /** The system that signed this bearer token, or a HubError (AUTH_REQUIRED, AUTH_UNTRUSTED_ISSUER, AUTH_INVALID_TOKEN, AUTH_TOKEN_EXPIRED). */
  async verify(token: string | undefined): Promise<LprSource> {
    if (!token) throw new HubError('AUTH_REQUIRED', 'LPR 시스템의 서명 토큰이 필요합니다 (a signed LPR system token is required)');
    const known = this.#verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.source;
    if (token.length > 4096) throw new HubError('AUTH_INVALID_TOKEN', '토큰이 너무 깁니다 (token too long)');
    let issuerId: unknown;
    try {
      issuerId = decodeJwt(token).iss;
    } catch {
      throw new HubError('AUTH_INVALID_TOKEN', '토큰 형식이 잘못되었습니다 (malformed token)');
    }
    const source = typeof issuerId === 'string' ? this.#byIssuer.get(issuerId) : undefined;
    const issuer = typeof issuerId === 'string' ? this.#issuers.map.get(issuerId) : undefined;
    if (!source || !issuer) throw new HubError('AUTH_UNTRUSTED_ISSUER', '신뢰하지 않는 LPR 시스템입니다 (untrusted LPR system)');
    let expiresAt: number;
    try {
      const { payload } = await jwtVerify(token, issuer.keys, { issuer: issuer.issuer, audience: this.#audience, algorithms: ACCEPTED_ALGORITHMS, requiredClaims: ['exp'], clockTolerance: 5 });
      expiresAt = payload.exp! * 1000;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new HubError('AUTH_TOKEN_EXPIRED', '토큰이 만료되었습니다 (token expired)');
      const code = error instanceof joseErrors.JOSEError ? error.code : 'unknown';
      // A signature by a key the system does not publish is an untrusted signer, whatever it claims.
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWKS_NO_MATCHING_KEY') {
        throw new HubError('AUTH_UNTRUSTED_ISSUER', `LPR 시스템의 키로 서명되지 않았습니다 (not signed by a key of ${source.name})`);
      }
      throw new HubError('AUTH_INVALID_TOKEN', `토큰을 확인할 수 없습니다 (token rejected: ${code})`);
    }
    if (this.#verified.size >= VERIFIED_MAX) this.#verified.clear();
    this.#verified.set(token, { source, expiresAt });
    return source;
  }

  close(): void {
    this.#issuers.close();
  }
}
