import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgencyPolicies } from '../auth/policy.ts';
import { lprBatchSchema, lprReadSchema, LPR_MAX_BATCH, watchlistAddSchema } from '../protocol/lpr.ts';
import { maskPlate, parsePlate, PlateVisibility } from './plates.ts';

test('Korean plates: 2 or 3 digits, one Hangul syllable, 4 digits, an optional old region prefix', () => {
  assert.deepEqual(parsePlate('12가3456'), { region: undefined, core: '12가3456' });
  assert.deepEqual(parsePlate('123가4567'), { region: undefined, core: '123가4567' });
  assert.deepEqual(parsePlate('서울12가3456'), { region: '서울', core: '12가3456' });
  assert.deepEqual(parsePlate(' 경기 123 허 4567 '), { region: '경기', core: '123허4567' });
  for (const bad of ['', '1가3456', '1234가4567', '12가345', '12가34567', '12A3456', '12가가3456', '뉴욕12가3456', 'ㄱ12가3456']) {
    assert.equal(parsePlate(bad), undefined, bad);
  }
});

test('masking hides the serial, keeps what a person needs to tell plates apart', () => {
  assert.equal(maskPlate('12가3456'), '12가****');
  assert.equal(maskPlate('123가4567'), '123가****');
  assert.equal(maskPlate('서울12가3456'), '서울12가****');
  assert.equal(maskPlate('not a plate'), '********', 'anything else is hidden whole');
});

test('plates show whole only to plateRoles of agencies in the LPR loop', () => {
  const policies = new AgencyPolicies([
    { id: 'police', name: '경찰서', purposes: ['emergency-112'], categories: {}, lpr: { alerts: ['11680'] } },
    { id: 'fire', name: '119', purposes: ['dispatch-119'], categories: {} }
  ]);
  const plates = new PlateVisibility(policies, ['operator', 'supervisor']);
  const who = (agency: string, role: 'operator' | 'supervisor' | 'auditor') => ({ agency: { id: agency, name: agency }, role });
  assert.equal(plates.show(who('police', 'operator'), '12가3456'), '12가3456');
  assert.equal(plates.show(who('police', 'supervisor'), '12가3456'), '12가3456');
  assert.equal(plates.show(who('police', 'auditor'), '12가3456'), '12가****');
  assert.equal(plates.show(who('fire', 'operator'), '12가3456'), '12가****');
  assert.equal(new PlateVisibility(policies, ['supervisor']).show(who('police', 'operator'), '12가3456'), '12가****');
});

test('a read is schema-checked: plate, readId, confidence, direction, no extra fields', () => {
  const good = { readId: 'r-1', plate: '12 가 3456', cameraId: 'cam-1', at: 1_700_000_000_000, direction: 90, confidence: 0.9 };
  assert.equal(lprReadSchema.parse(good).plate, '12가3456', 'spaces removed');
  assert.ok(lprReadSchema.safeParse({ ...good, direction: 'in', imageRef: 's3://lpr/1.jpg' }).success);
  const bad: Array<[string, unknown]> = [
    ['plate', { ...good, plate: '12A3456' }],
    ['readId charset', { ...good, readId: '판독1' }],
    ['confidence', { ...good, confidence: -0.1 }],
    ['direction', { ...good, direction: 361 }],
    ['direction word', { ...good, direction: 'north' }],
    ['time', { ...good, at: 'yesterday' }],
    ['extra field', { ...good, owner: '홍길동' }],
    ['missing camera', { ...good, cameraId: undefined }]
  ];
  for (const [name, value] of bad) assert.equal(lprReadSchema.safeParse(value).success, false, name);
  assert.ok(lprBatchSchema.safeParse({ reads: [good] }).success);
  assert.equal(lprBatchSchema.safeParse({ reads: [] }).success, false, 'an empty batch');
  assert.equal(lprBatchSchema.safeParse({ reads: Array.from({ length: LPR_MAX_BATCH + 1 }, () => good) }).success, false, 'a batch is bounded');
  assert.equal(watchlistAddSchema.safeParse({ plate: '12가3456', reason: '  ', expiresAt: 1 }).success, false, 'a reason is needed');
});
