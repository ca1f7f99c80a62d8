import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../db.ts';
import { PursuitStore, type PursuitRecord, type SightingRecord } from './store.ts';

const pursuit = (id: string, more: Partial<PursuitRecord> = {}): PursuitRecord => ({
  id, incidentId: 'inc-1', agency: 'gangnam-police', status: 'open', target: { kind: 'vehicle', plate: '12가3456', colour: '흰색' },
  openedBy: 'officer-1', openedAt: 1_000, closedAt: null, closedBy: null, externalRef: null, ownIncident: true, ...more
});
const sighting = (id: string, at: number, more: Partial<SightingRecord> = {}): SightingRecord => ({
  id, pursuitId: 'pur-1', at, cameraId: `cam-${id}`, location: { lat: 37.5, lon: 127.03 }, headingDeg: 90, source: 'operator', by: 'officer-1', note: null, lpr: null, ...more
});

test('a pursuit, its track in time order and its close survive the database being opened again', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gth-pursuit-store-'));
  try {
    const file = join(dir, 'hub.sqlite');
    let db = openDb(file);
    db.prepare("INSERT INTO incidents (id, type, lat, lon, agency, opened_by, purpose, status, opened_at) VALUES ('inc-1', '범죄', 0, 0, 'gangnam-police', 'u', 'emergency-112', 'open', 0)").run();
    let store = new PursuitStore(db);
    store.insert(pursuit('pur-1', { externalRef: 'CAD-7' }));
    store.insert(pursuit('pur-2', { agency: 'seoul-112', target: { kind: 'person', description: '검은 모자' }, openedAt: 2_000 }));
    store.addSighting(sighting('b', 5_000));
    // An LPR hit that arrives late, for an earlier moment: the track is in time order.
    store.addSighting(sighting('a', 4_000, { source: 'lpr', by: 'lpr-sim', lpr: { readId: 'r-1', plate: '12가3456', confidence: 0.93, imageRef: null }, headingDeg: null }));
    db.close();

    db = openDb(file);
    store = new PursuitStore(db);
    assert.deepEqual(store.get('pur-1'), pursuit('pur-1', { externalRef: 'CAD-7' }));
    assert.deepEqual(store.sightings('pur-1').map((s) => s.id), ['a', 'b']);
    assert.deepEqual(store.sightings('pur-1')[0]!.lpr, { readId: 'r-1', plate: '12가3456', confidence: 0.93, imageRef: null });
    assert.deepEqual(store.open().map((p) => p.id), ['pur-1', 'pur-2']);
    assert.equal(store.openCount('gangnam-police'), 1);
    assert.equal(store.openByRef('gangnam-police', 'CAD-7')?.id, 'pur-1');
    assert.deepEqual(store.openByPlate('12가3456').map((p) => p.id), ['pur-1']);
    assert.deepEqual(store.openByPlate('서울 12가3456').map((p) => p.id), ['pur-1'], 'a region prefix and spaces do not matter');

    store.setTarget('pur-1', { kind: 'vehicle', plate: '34나5678' });
    assert.deepEqual(store.openByPlate('12가3456'), [], 'the plate index follows the target');
    assert.deepEqual(store.openByPlate('34나5678').map((p) => p.id), ['pur-1']);

    store.close('pur-1', 9_000, 'officer-2');
    store.close('pur-1', 9_999, 'someone-later');
    assert.deepEqual({ ...store.get('pur-1') }, { ...pursuit('pur-1', { externalRef: 'CAD-7', target: { kind: 'vehicle', plate: '34나5678' } }), status: 'closed', closedAt: 9_000, closedBy: 'officer-2' }, 'closing twice keeps the first close');
    assert.deepEqual(store.open().map((p) => p.id), ['pur-2']);
    assert.equal(store.openByRef('gangnam-police', 'CAD-7'), undefined);
    assert.deepEqual(store.openByPlate('34나5678'), [], 'a closed pursuit takes no more hits');
    assert.deepEqual(store.list('gangnam-police', 'all', 10).map((p) => p.id), ['pur-1']);
    assert.deepEqual(store.list('gangnam-police', 'open', 10), []);
    db.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
