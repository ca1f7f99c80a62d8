/**
 * A production hub refuses to start on key sets it must not trust, each with a message that
 * names the issuer and what is wrong: the development issuer's keys under another issuer's name
 * (copied with its private key, or found in the hub's own data directory from an earlier
 * development run), the simulated LPR system's key as a real LPR system's, and a symmetric key. A proper ES256 issuer starts.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDevIssuer } from '../../server/auth/dev-issuer.ts';
import { openDevLprSystem } from '../../server/lpr/sim/dev-system.ts';
import { DEMO_AGENCIES } from '../../server/cameras/demo.ts';
import { loadConfig } from '../../server/config.ts';
import { startHub } from '../../server/hub.ts';
import { createLogger } from '../../server/log.ts';
import { createTestIssuer } from '../support/tokens.ts';

const root = await mkdtemp(join(tmpdir(), 'gth-production-'));
after(() => rm(root, { recursive: true, force: true }));

let runs = 0;
async function start(jwksFile: string, dataDir?: string, lprJwksFile?: string) {
  const config = loadConfig(
    {},
    {
      mode: 'production',
      dataDir: dataDir ?? join(root, `data-${++runs}`),
      http: { host: '127.0.0.1', port: 0 },
      simulator: { cameras: 0, basePort: 0 },
      webrtc: { workers: 1 },
      auth: { issuers: [{ issuer: 'https://idp.fire.example', agencies: ['seoul-119'], jwksFile }] },
      ...(lprJwksFile ? { lpr: { systems: [{ name: 'seoul-lpr', issuer: 'https://lpr.example', jwksFile: lprJwksFile, districts: ['*'] }] } } : {})
    }
  );
  const hub = await startHub(config, { log: createLogger('silent') });
  await hub.close();
}

test("the development issuer's key set, copied with its private key, is refused under another issuer's name", async () => {
  const dev = await openDevIssuer(join(root, 'dev-machine'), DEMO_AGENCIES);
  await assert.rejects(start(dev.config.jwksFile), /https:\/\/idp\.fire\.example.*development issuer's key/);
});

test("the development issuer's public keys alone are refused when its private key is in the hub's data directory", async () => {
  const dataDir = join(root, 'once-development');
  const dev = await openDevIssuer(dataDir, DEMO_AGENCIES);
  const published = join(root, 'published');
  await mkdir(published, { recursive: true });
  await copyFile(dev.config.jwksFile, join(published, 'jwks.json'));
  await assert.rejects(start(join(published, 'jwks.json'), dataDir), /development issuer's key/);
});

test("the development LPR system's key set is refused under a real LPR system's name", async () => {
  const idp = await createTestIssuer('https://idp.fire.example', ['seoul-119'], 'ES256');
  const devLpr = await openDevLprSystem(join(root, 'dev-lpr-machine'), 'golden-time-hub');
  await assert.rejects(start(idp.config.jwksFile, undefined, devLpr.config.jwksFile), /https:\/\/lpr\.example.*development issuer's key/);
});

test('a symmetric (oct) key in a key set is refused', async () => {
  const file = join(root, 'oct.jwks.json');
  await writeFile(file, JSON.stringify({ keys: [{ kty: 'oct', kid: 'shared', k: 'c2VjcmV0LXNoYXJlZC13aXRoLWV2ZXJ5b25l' }] }));
  await assert.rejects(start(file), /symmetric \(oct\) key \(kid shared\)/);
});

test('a proper ES256 issuer starts', async () => {
  const idp = await createTestIssuer('https://idp.fire.example', ['seoul-119'], 'ES256');
  await start(idp.config.jwksFile);
});
