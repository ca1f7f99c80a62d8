/**
 * Trusted issuers: each agency's identity provider, with the public keys (JWKS) it signs with
 * and the agencies it may speak for. Keys are selected by `kid`; several keys per issuer allow
 * rotation.
 */
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
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

export async function loadIssuer(config: IssuerConfig): Promise<TrustedIssuer> {
  const raw: unknown = JSON.parse(await readFile(config.jwksFile, 'utf8'));
  const parsed = jwksSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`JWKS of issuer ${config.issuer} (${config.jwksFile}) is not a key set with a kid on every key`);
  for (const key of parsed.data.keys) {
    if ('d' in key) throw new Error(`JWKS of issuer ${config.issuer} contains a private key (kid ${key.kid})`);
  }
  return {
    issuer: config.issuer,
    agencies: new Set(config.agencies),
    keys: createLocalJWKSet(parsed.data as JSONWebKeySet)
  };
}

export async function loadIssuers(configs: IssuerConfig[]): Promise<Map<string, TrustedIssuer>> {
  const issuers = new Map<string, TrustedIssuer>();
  for (const config of configs) issuers.set(config.issuer, await loadIssuer(config));
  return issuers;
}
