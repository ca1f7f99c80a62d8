/** Where a view is authorised: the one place that says whether a principal may see a camera. */
import type { Principal } from './principal.ts';

export interface ScopedCamera {
  id: string;
  district: { code: string };
}

export function canView(principal: Principal, camera: ScopedCamera): boolean {
  const { scope } = principal;
  return scope.cityWide || scope.districts.has(camera.district.code) || scope.cameras.has(camera.id);
}

export function visibleCameras<C extends ScopedCamera>(principal: Principal, cameras: Iterable<C>): C[] {
  const visible: C[] = [];
  for (const camera of cameras) if (canView(principal, camera)) visible.push(camera);
  return visible;
}
