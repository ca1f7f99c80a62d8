/**
 * A pursuit as one session sees it: the track with camera names and 구, the predicted cameras
 * with their arrival windows, the corridor grant — and plates whole only for roles allowed to
 * see them (the LPR plate rule, server/lpr/plates.ts), masked everywhere else.
 */
import type { Principal } from '../auth/principal.ts';
import type { CameraRegistry, RegistryCamera } from '../cameras/registry.ts';
import type { PredictedCameraView, Pursuit, PursuitDistrict, PursuitTarget, Sighting } from '../protocol/pursuit.ts';
import type { PursuitSnapshot } from './pursuits.ts';

export interface PursuitViewDeps {
  registry: Pick<CameraRegistry, 'get'>;
  agencyName: (agency: string) => string;
  plates: { mayView(principal: Pick<Principal, 'role' | 'agency'>): boolean; show(principal: Pick<Principal, 'role' | 'agency'>, plate: string): string };
}

/** Reach polylines sent at most (the map draws them; the strongest first). */
const MAX_REACH = 200;

export function pursuitView(snapshot: PursuitSnapshot, principal: Pick<Principal, 'role' | 'agency'>, deps: PursuitViewDeps): Pursuit {
  const { record, prediction, grant } = snapshot;
  const plate = (value: string) => deps.plates.show(principal, value);
  // A camera the corridor keeps only for its overlap is still viewable, but no longer one to hand off to.
  const granted = new Set((grant?.cameras ?? []).filter((id) => !grant?.overlap.includes(id)));
  const districts = new Map<string, PursuitDistrict>();
  for (const id of grant?.cameras ?? []) {
    const district = deps.registry.get(id)?.district;
    if (district) districts.set(district.code, districtOf(district));
  }
  return {
    id: record.id,
    incidentId: record.incidentId,
    agency: record.agency,
    agencyName: deps.agencyName(record.agency),
    status: record.status,
    target: maskedTarget(record.target, plate),
    plateMasked: !deps.plates.mayView(principal),
    openedBy: record.openedBy,
    openedAt: record.openedAt,
    closedAt: record.closedAt,
    externalRef: record.externalRef,
    track: snapshot.track.map((s): Sighting => {
      const camera = deps.registry.get(s.cameraId);
      return {
        id: s.id,
        at: s.at,
        cameraId: s.cameraId,
        cameraName: camera?.name ?? s.cameraId,
        district: camera ? districtOf(camera.district) : { code: '', name: '', nameEn: '' },
        location: s.location,
        headingDeg: s.headingDeg,
        source: s.source,
        by: s.by,
        note: s.note,
        ...(s.lpr ? { lpr: { ...s.lpr, plate: plate(s.lpr.plate) } } : {})
      };
    }),
    prediction: prediction && {
      anchorSightingId: prediction.anchor.id,
      anchorAt: prediction.anchor.at,
      computedAt: prediction.computedAt,
      elapsedS: prediction.prediction.elapsedS,
      cameras: prediction.prediction.cameras.flatMap((c): PredictedCameraView[] => {
        const camera = deps.registry.get(c.cameraId);
        if (!camera) return [];
        const { probability, etaMinS, etaMaxS, distanceM } = c;
        return [{ cameraId: c.cameraId, name: camera.name, district: districtOf(camera.district), location: camera.location, probability, etaMinS, etaMaxS, distanceM, granted: granted.has(c.cameraId) }];
      }),
      reach: [...prediction.prediction.reach].sort((a, b) => b.weight - a.weight).slice(0, MAX_REACH)
    },
    grant: grant && { id: grant.id, cameraIds: [...(grant.cameras ?? [])], districts: [...districts.values()], issuedAt: grant.issuedAt, expiresAt: grant.expiresAt }
  };
}

function districtOf(district: RegistryCamera['district']): PursuitDistrict {
  return { code: district.code, name: district.name, nameEn: district.nameEn };
}

function maskedTarget(target: PursuitTarget, plate: (value: string) => string): PursuitTarget {
  return target.kind === 'vehicle' && target.plate ? { ...target, plate: plate(target.plate) } : target;
}
