/**
 * The pursuit API (`/api/pursuits…`), as the board and a CAD system call it with the agency's
 * JWT: open a pursuit on a first sighting, record sightings, close it, read it, and the roads a
 * target can leave a camera by. Every body and query is parsed with the schemas of
 * server/protocol/pursuit.ts; a pursuit is its agency's alone (another's is PURSUIT_NOT_FOUND).
 */
import { json, parse } from '../api.ts';
import type { Principal } from '../auth/principal.ts';
import { COST } from '../budget.ts';
import type { VisibleSet } from '../cameras/scope-index.ts';
import type { CameraRegistry } from '../cameras/registry.ts';
import type { ApiRoute } from '../http.ts';
import { HubError } from '../protocol/errors.ts';
import {
  openPursuitSchema,
  pursuitListQuerySchema,
  roadsQuerySchema,
  sightingRequestSchema,
  type Pursuit,
  type PursuitListResponse,
  type PursuitResponse,
  type RoadsLeavingResponse
} from '../protocol/pursuit.ts';
import type { Pursuits, PursuitSnapshot } from './pursuits.ts';

export interface PursuitRoutesDeps {
  pursuits: Pursuits;
  registry: Pick<CameraRegistry, 'get'>;
  /** What the caller may see now (its scope and its grants, the corridor's among them). */
  visible: (principal: Principal) => VisibleSet;
  view: (snapshot: PursuitSnapshot, principal: Principal) => Pursuit;
}

const PURSUIT_ID = '(pur-[0-9a-f-]{36})';
const query = (url: URL) => Object.fromEntries(url.searchParams);

export function pursuitRoutes(deps: PursuitRoutesDeps): ApiRoute[] {
  const { pursuits } = deps;
  const canSee = (principal: Principal) => deps.visible(principal).includes;
  const answer = (status: number, principal: Principal, snapshot: PursuitSnapshot) => json(status, { pursuit: deps.view(snapshot, principal) } satisfies PursuitResponse);
  const people = (principal: Principal) => {
    // Auditors read the record; they do not pursue.
    if (principal.role === 'auditor') throw new HubError('FORBIDDEN', '감사 역할은 추적할 수 없습니다 (auditors do not pursue)');
  };
  return [
    {
      method: 'POST',
      path: /^\/api\/pursuits$/,
      cost: COST.compute,
      handle: ({ principal, body }) => {
        people(principal);
        const { snapshot, created } = pursuits.open(principal, parse(openPursuitSchema, body), canSee(principal));
        return answer(created ? 201 : 200, principal, snapshot);
      }
    },
    {
      method: 'GET',
      path: /^\/api\/pursuits$/,
      handle: ({ principal, url }) => {
        const { status, limit } = parse(pursuitListQuerySchema, query(url));
        return json(200, { pursuits: pursuits.list(principal.agency.id, status, limit).map((s) => deps.view(s, principal)) } satisfies PursuitListResponse);
      }
    },
    {
      method: 'GET',
      path: /^\/api\/pursuits\/roads$/,
      cost: COST.compute,
      handle: ({ principal, url }) => {
        const { cameraId } = parse(roadsQuerySchema, query(url));
        const camera = deps.registry.get(cameraId);
        if (!camera || !canSee(principal)(camera)) throw new HubError('CAMERA_OUT_OF_SCOPE', '이 카메라를 볼 권한이 없습니다 (camera outside your scope)');
        return json(200, { cameraId, roads: pursuits.roadsLeaving(camera) } satisfies RoadsLeavingResponse);
      }
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/pursuits/${PURSUIT_ID}$`),
      handle: ({ principal, params }) => answer(200, principal, pursuits.ofAgency(principal.agency.id, params[0]!))
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/pursuits/${PURSUIT_ID}/sightings$`),
      cost: COST.compute,
      handle: ({ principal, params, body }) => {
        people(principal);
        return answer(200, principal, pursuits.sight(principal, params[0]!, parse(sightingRequestSchema, body), canSee(principal)));
      }
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/pursuits/${PURSUIT_ID}/close$`),
      handle: ({ principal, params }) => {
        people(principal);
        return answer(200, principal, pursuits.close(principal, params[0]!));
      }
    }
  ];
}
