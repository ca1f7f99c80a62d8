import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStartup, type StartupSummary } from './startup.ts';

const GWANGJU = ['29110', '29140', '29155', '29170', '29200'];

test('the banner says what was loaded: the Gwangju demo', () => {
  const summary: StartupSummary = {
    mode: 'development',
    region: { name: '광주광역시', codes: GWANGJU, inferred: false, demoCity: 'gwangju' },
    registry: { source: 'synthetic', file: null, imported: true, cameras: 10_000, skippedOutsideRegion: 0 },
    cameras: { total: 10_016, landmarks: 16, configured: 0, simulated: 10_016, real: 0, simulatedFeeds: 16 },
    demoAgencies: []
  };
  assert.deepEqual(describeStartup(summary), [
    '  Region: 광주광역시 (5 시군구, demo city gwangju)',
    '  10,016 cameras: 10,000 synthetic (SYN-…, not real cameras) + 16 landmarks; 10,016 played from 16 simulated feeds, 0 pulled from real sources.'
  ]);
});

test('the banner says what was loaded: a national CSV pulled from real cameras, its region inferred', () => {
  const summary: StartupSummary = {
    mode: 'production',
    region: { name: '서울특별시 강남구·서초구', codes: ['11650', '11680'], inferred: true, demoCity: 'seoul' },
    registry: { source: 'csv', file: 'national.csv', imported: false, cameras: 4, skippedOutsideRegion: 0 },
    cameras: { total: 4, landmarks: 0, configured: 0, simulated: 0, real: 4, simulatedFeeds: 0 },
    demoAgencies: []
  };
  assert.deepEqual(describeStartup(summary), [
    '  Region: 서울특별시 강남구·서초구 (2 시군구, from the registry file, demo city seoul)',
    '  4 cameras: 4 from national.csv (read back from hub.sqlite); all 4 pulled from real sources.'
  ]);
  const skipped = describeStartup({ ...summary, region: { ...summary.region, inferred: false }, registry: { ...summary.registry, imported: true, skippedOutsideRegion: 1_234 } });
  assert.match(skipped[1]!, /4 from national\.csv \(imported now; 1,234 rows outside the region skipped\)/);
});
