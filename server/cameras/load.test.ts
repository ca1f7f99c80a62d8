import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDb } from '../db.ts';
import { seoulDistrictSet } from '../geo/districts.ts';
import { feedFor, feedNames } from './feeds.ts';
import { syntheticSeoulCsv } from './import/synthetic.ts';
import { loadRegistry, RegistryImportError, toRegistryCameras } from './load.ts';

const SEOUL = seoulDistrictSet().codes;
const dir = mkdtempSync(join(tmpdir(), 'gth-registry-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the first start imports, later starts read SQLite; another count or seed imports again', () => {
  const FILE = join(dir, 'a.sqlite');
  const db = openDb(FILE);
  const first = loadRegistry(db, FILE, { kind: 'synthetic', total: 300, seed: 1, region: SEOUL });
  assert.equal(first.imported, true);
  assert.equal(first.cameras.length, 300);
  const again = loadRegistry(db, FILE, { kind: 'synthetic', total: 300, seed: 1, region: SEOUL });
  assert.equal(again.imported, false);
  assert.deepEqual(again.cameras.map((c) => c.id).sort(), first.cameras.map((c) => c.id).sort());
  const other = loadRegistry(db, FILE, { kind: 'synthetic', total: 200, seed: 1, region: SEOUL });
  assert.equal(other.imported, true);
  assert.equal(other.cameras.length, 200);
  assert.equal(loadRegistry(db, FILE, { kind: 'synthetic', total: 200, seed: 2, region: SEOUL }).imported, true);
  db.close();
});

test('a CSV with bad rows refuses to start, lists the rows, and leaves the stored registry as it was', () => {
  const FILE = join(dir, 'b.sqlite');
  const db = openDb(FILE);
  const good = join(dir, 'good.csv');
  writeFileSync(good, syntheticSeoulCsv({ total: 50 }));
  assert.equal(loadRegistry(db, FILE, { kind: 'csv', file: good, sourceTemplate: undefined, region: SEOUL }).cameras.length, 50);
  const lines = syntheticSeoulCsv({ total: 50, seed: 9 }).split('\r\n');
  lines[3] = lines[3]!.replace(/,37\.\d+,/, ',91.5,');
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, lines.join('\r\n'));
  assert.throws(
    () => loadRegistry(db, FILE, { kind: 'csv', file: bad, sourceTemplate: undefined, region: SEOUL }),
    (error: unknown) => error instanceof RegistryImportError && error.total === 1 && /row 4, WGS84위도: ERR_OUT_OF_RANGE/.test(error.message) && /nothing was imported/.test(error.message)
  );
  const kept = loadRegistry(db, FILE, { kind: 'csv', file: good, sourceTemplate: undefined, region: SEOUL });
  assert.equal(kept.imported, false, 'the good registry is still the stored one');
  assert.equal(kept.cameras.length, 50);
  db.close();
});

test('registry cameras keep what the hub needs and stand on a stable feed', () => {
  const FILE = join(dir, 'c.sqlite');
  const db = openDb(FILE);
  const { cameras } = loadRegistry(db, FILE, { kind: 'synthetic', total: 400, seed: 3, region: SEOUL });
  db.close();
  const feeds = feedNames(4).map((name) => ({ name, url: `rtsp://127.0.0.1:1/${name}` }));
  const registry = toRegistryCameras(cameras, (camera) => {
    const feed = feedFor(feeds, camera);
    return { source: feed.url, simulatedFeed: feed.name };
  });
  assert.deepEqual(Object.keys(registry[0]!).filter((k) => !['facingDeg', 'fovDeg'].includes(k)), ['id', 'name', 'nameEn', 'district', 'category', 'location', 'source', 'simulatedFeed']);
  assert.equal(feedFor(feeds, registry[7]!).name, registry[7]!.simulatedFeed, 'the same id, the same feed');
  const used = new Set(registry.map((c) => c.simulatedFeed));
  assert.equal(used.size, 4, 'the hash spreads cameras over every feed');
  assert.equal(feedFor(feeds, 5).name, 'sim-02', 'landmark i → feed i (mod the pool)');
});
