/**
 * Trusted issuers: each agency's identity provider, with the public keys (JWKS) it signs with
 * and the agencies it may speak for. Keys are selected by `kid`; several keys per issuer allow
 * rotation.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, createLocalJWKSet, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

export interface IssuerConfig {
  issuer: string;
  agencies: string[];
  jwksFile: string;
}

export interface TrustedIssuer {
  issuer: string;
  agencies: ReadonlySet<string>;
  keys: JWTVerifyGetKey;
}

const jwksSchema = z.object({
  keys: z
    .array(z.object({ kty: z.string(), kid: z.string().min(1) }).passthrough())
    .min(1)
});

/** Keys no trusted issuer may publish: in production, the development issuer's (by JWK thumbprint). */
export interface IssuerChecks {
  forbiddenKeys?: ReadonlySet<string>;
}

export async function loadIssuer(config: IssuerConfig, checks: IssuerChecks = {}): Promise<TrustedIssuer> {
  const raw: unknown = JSON.parse(await readFile(config.jwksFile, 'utf8'));
  const parsed = jwksSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`JWKS of issuer ${config.issuer} (${config.jwksFile}) is not a key set with a kid on every key`);
  for (const key of parsed.data.keys) {
    if ('d' in key) throw new Error(`JWKS of issuer ${config.issuer} contains a private key (kid ${key.kid})`);
    // A symmetric key in a published key set is a published secret: whoever reads the file can sign.
    if (key.kty === 'oct') throw new Error(`JWKS of issuer ${config.issuer} contains a symmetric (oct) key (kid ${key.kid}); only public EdDSA/ES256 keys are accepted`);
    if (checks.forbiddenKeys?.has(await calculateJwkThumbprint(key as JWK))) {
      throw new Error(`JWKS of issuer ${config.issuer} contains the development issuer's key (kid ${key.kid}): anyone with its data directory can mint tokens`);
    }
  }
  return {
    issuer: config.issuer,
    agencies: new Set(config.agencies),
    keys: createLocalJWKSet(parsed.data as JSONWebKeySet)
  };
}

export async function loadIssuers(configs: IssuerConfig[], checks: IssuerChecks = {}): Promise<Map<string, TrustedIssuer>> {
  const issuers = new Map<string, TrustedIssuer>();
  for (const config of configs) issuers.set(config.issuer, await loadIssuer(config, checks));
  return issuers;
}

/**
 * The live set of trusted issuers. Key rotation needs no restart: the JWKS files are watched
 * and re-read when they change (or on reload(), e.g. SIGHUP); listeners then re-check every
 * session, so a withdrawn key stops its streams at once.
 */
export class TrustedIssuers {
  readonly #configs: IssuerConfig[];
  readonly #checks: IssuerChecks;
  #map = new Map<string, TrustedIssuer>();
  #watching = false;
  readonly #listeners = new Set<() => void>();

  private constructor(configs: IssuerConfig[], checks: IssuerChecks) {
    this.#configs = configs;
    this.#checks = checks;
  }

  /** Refuses to start on a key set that fails a check; a reload that fails one leaves that issuer untrusted. */
  static async load(configs: IssuerConfig[], checks: IssuerChecks = {}): Promise<TrustedIssuers> {
    const issuers = new TrustedIssuers(configs, checks);
    issuers.#map = await loadIssuers(configs, checks);
    return issuers;
  }

  get map(): ReadonlyMap<string, TrustedIssuer> {
    return this.#map;
  }

  /** Re-reads every JWKS file. A file that no longer parses keeps nothing of its issuer trusted. */
  async reload(): Promise<{ issuers: number; failed: string[] }> {
    const next = new Map<string, TrustedIssuer>();
    const failed: string[] = [];
    for (const config of this.#configs) {
      try {
        next.set(config.issuer, await loadIssuer(config, this.#checks));
      } catch {
        failed.push(config.issuer);
      }
    }
    this.#map = next;
    for (const listener of this.#listeners) listener();
    return { issuers: next.size, failed };
  }

  /** Calls `listener` after every reload. */
  onReload(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Polls the JWKS files (cheap stat calls) and reloads when one changes. */
  watch(intervalMs: number): void {
    if (this.#watching) return;
    this.#watching = true;
    for (const config of this.#configs) {
      watchFile(config.jwksFile, { interval: intervalMs, persistent: false }, (current, previous) => {
        if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size) void this.reload();
      });
    }
  }

  close(): void {
    if (this.#watching) for (const config of this.#configs) unwatchFile(config.jwksFile);
    this.#watching = false;
    this.#listeners.clear();
  }
}
