/** Demo camera specs: Gwangju intersections, one port each from `basePort` (0 = free ports). */
import type { SimCameraSpec } from './sim-camera.ts';

export const DEMO_CAMERA_NAMES: readonly string[] = [
  '광산구 첨단로 교차로',
  '북구 용봉동 전남대 후문',
  '서구 상무대로 시청 앞',
  '동구 금남로 5가',
  '남구 봉선동 사거리',
  '광산구 하남산단 입구',
  '북구 무등로 광주역',
  '서구 풍암동 호수공원',
  '동구 충장로 입구',
  '남구 효덕 교차로',
  '광산구 송정역 광장',
  '북구 첨단과기로 지하차도',
  '서구 유덕 IC',
  '동구 조선대 정문',
  '남구 진월동 사거리',
  '광산구 수완지구 중앙로',
];

export function demoCameraSpecs(
  count: number,
  basePort: number,
  overrides: Partial<Pick<SimCameraSpec, 'fps' | 'width' | 'height'>> = {},
): SimCameraSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `sim-${String(i + 1).padStart(2, '0')}`,
    name: DEMO_CAMERA_NAMES[i % DEMO_CAMERA_NAMES.length] ?? `카메라 ${i + 1}`,
    port: basePort === 0 ? 0 : basePort + i,
    ...overrides,
  }));
}
