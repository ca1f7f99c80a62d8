/** Wire objects for the board's unit tests beside this file (not imported by the app). */
import type { Dispatch, DispatchRoute, Incident, NearCamera, RouteCamera } from '$lib/map/geo-api.ts';

export function camera(id: string, lat = 37.5, lon = 127): RouteCamera {
  return { id, name: `CCTV ${id}`, district: '강남구', category: '교통', lat, lon, alongM: 0 };
}

export function near(id: string, distanceM = 10): NearCamera {
  return { id, name: `CCTV ${id}`, district: '강남구', category: '방범', lat: 37.5, lon: 127, distanceM, facing: false };
}

export function route(cameras: RouteCamera[]): DispatchRoute {
  return {
    station: { id: 'st-1', name: '강남소방서', kind: 'fire', location: { lat: 37.51, lon: 127.05 } },
    lengthM: 1200,
    etaS: 180,
    freeFlowEtaS: 150,
    polyline: [[127.05, 37.51], [127, 37.5]],
    cameras,
    attribution: 'test'
  };
}

export function dispatch(incidentId: string, cameras: RouteCamera[], extra: Partial<Dispatch> = {}): Dispatch {
  return { incidentId, route: route(cameras), flagged: [], detour: null, ...extra };
}

export function incident(id: string, status: Incident['status'] = 'open'): Incident {
  return {
    id,
    type: '화재',
    location: { lat: 37.5, lon: 127 },
    address: null,
    description: null,
    externalRef: null,
    agency: 'seoul-119',
    openedBy: 'operator',
    purpose: 'dispatch-119',
    status,
    openedAt: 0,
    closedAt: status === 'closed' ? 1 : null
  };
}
