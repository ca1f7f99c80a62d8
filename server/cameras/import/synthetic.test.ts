import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { districtAt, seoulDistricts } from '../../geo/districts.ts';
import { importCctvStandard } from './cctv-standard.ts';
import { districtQuotas, syntheticSeoulCsv, syntheticSeoulRows } from './synthetic.ts';
import { EXTRA_COLUMNS, STANDARD_COLUMNS } from './types.ts';

test('68,000 synthetic cameras import whole, each inside the 구 it is filed under', () => {
  const text = syntheticSeoulCsv();
  const result = importCctvStandard(new TextEncoder().encode(text));
  if (!result.ok) assert.fail(JSON.stringify(result.errors.slice(0, 3)));
  const { cameras, stats } = result;
  assert.equal(cameras.length, 68_000);
  assert.equal(stats.snappedToBorder, 0);
  assert.equal(stats.agencyDistrictMismatch, 0, '관리기관명 is the 구청 of the 구 the camera stands in');
  assert.equal(new Set(cameras.map((c) => c.id)).size, 68_000);

  const quotas = districtQuotas(68_000);
  assert.deepEqual(stats.byDistrict, Object.fromEntries(quotas));
  for (const c of cameras) {
    assert.equal(districtAt(c.location.lat, c.location.lon)?.code, c.district.code, c.id);
    assert.ok(c.id.startsWith(`SYN-${c.district.code}-`));
    assert.ok(c.address.includes('합성'), 'labelled synthetic');
    assert.ok(c.facingDeg !== undefined && c.facingDeg >= 0 && c.facingDeg < 360);
    assert.ok(c.fovDeg !== undefined && c.fovDeg > 0 && c.fovDeg <= 360);
  }

  // Every 구 has cameras, more for big and populous ones; 생활방범 leads the purposes.
  for (const d of seoulDistricts()) assert.ok((stats.byDistrict[d.code] ?? 0) > 500, d.name);
  assert.ok(stats.byDistrict['11680']! > 3 * stats.byDistrict['11140']!, '강남구 ≫ 중구');
  const categories = Object.entries(stats.byCategory).sort((a, b) => b[1] - a[1]);
  assert.equal(categories[0]![0], '생활방범');
  assert.ok(categories[0]![1] > 0.55 * 68_000);
  for (const c of ['교통단속', '어린이보호', '재난재해', '시설물관리', '쓰레기단속']) assert.ok((stats.byCategory[c] ?? 0) > 300, c);
});

test('deterministic from the seed; the header is the standard plus 카메라ID, 방향각, 화각', () => {
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const a = syntheticSeoulCsv({ total: 3000, seed: 7 });
  assert.equal(hash(a), hash(syntheticSeoulCsv({ total: 3000, seed: 7 })));
  assert.notEqual(hash(a), hash(syntheticSeoulCsv({ total: 3000, seed: 8 })));
  const rows = syntheticSeoulRows({ total: 100 });
  assert.deepEqual(rows[0], [...STANDARD_COLUMNS, ...EXTRA_COLUMNS]);
  assert.equal(rows.length, 101);
  assert.match(rows[1]![0]!, /^서울특별시 .+구청$/);
});

test('quotas add up exactly, for any total', () => {
  for (const total of [0, 1, 25, 999, 68_000]) {
    assert.equal([...districtQuotas(total).values()].reduce((s, n) => s + n, 0), total);
  }
});
