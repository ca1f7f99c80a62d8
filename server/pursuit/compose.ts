/**
 * The pursuit domain as the hub composes it: the store, the pursuits and their timers, the
 * per-session view on the one publish path (`pursuit:changed`), LPR hits anchoring pursuits, the
 * HTTP routes, and in development the scenario. close() stops the timers and the scenario's
 * vehicle; the database and the grants stay with their owners.
 */
import type { AuditInput } from '../audit/types.ts';
import type { AgencyPolicies } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { CameraRegistry } from '../cameras/registry.ts';
import type { VisibleSet } from '../cameras/scope-index.ts';
import type { Db } from '../db.ts';
import type { ApiRoute } from '../http.ts';
import type { Incidents } from '../incidents/incidents.ts';
import type { Logger } from '../log.ts';
import type { Lpr, LprHit } from '../lpr/lpr.ts';
import type { VehicleWorld } from '../lpr/sim/vehicle.ts';
import type { Pursuit, PursuitChangedEvent } from '../protocol/pursuit.ts';
import { Pursuits, type Predictor, type PursuitSnapshot } from './pursuits.ts';
import { pursuitRoutes } from './routes.ts';
import { PursuitScenario, scenarioRoutes } from './scenario.ts';
import { PursuitStore } from './store.ts';
import { pursuitView } from './view.ts';

export interface PursuitPartsDeps {
  db: Db;
  incidents: Incidents;
  policies: AgencyPolicies;
  registry: Pick<CameraRegistry, 'get'>;
  predictor: () => Predictor;
  lpr: Lpr;
  visible: (principal: Principal) => VisibleSet;
  trustedSource: (principal: Principal) => boolean;
  record: (input: AuditInput) => void;
  /** Sends each of an agency's sessions its view (signaling's pursuitChanged). */
  publish: (agency: string, view: (principal: Principal) => PursuitChangedEvent) => void;
  predictEveryMs: number;
  log: Logger;
  /** Development: the vehicle simulator's world and the hub's own URL (the scenario). */
  scenario: { world: VehicleWorld; hubUrl: () => string } | undefined;
}

export interface PursuitParts {
  pursuits: Pursuits;
  routes: ApiRoute[];
  close(): void;
}

export function composePursuits(deps: PursuitPartsDeps): PursuitParts {
  const { lpr, registry, policies } = deps;
  const log = deps.log.child({ domain: 'pursuit' });
  const pursuits = new Pursuits({
    store: new PursuitStore(deps.db),
    incidents: deps.incidents,
    policies,
    registry,
    predictor: deps.predictor,
    trustedSource: deps.trustedSource,
    record: deps.record,
    log,
    intervalMs: deps.predictEveryMs
  });
  const viewDeps = { registry, agencyName: (agency: string) => policies.get(agency)?.name ?? agency, plates: lpr.plates };
  const view = (snapshot: PursuitSnapshot, principal: Principal): Pursuit => pursuitView(snapshot, principal, viewDeps);

  pursuits.on('pursuit:changed', (snapshot, change) => {
    // Sessions see plates whole or masked: one view of each kind per change.
    const views = new Map<boolean, PursuitChangedEvent>();
    deps.publish(snapshot.record.agency, (principal) => {
      const whole = lpr.plates.mayView(principal);
      let event = views.get(whole);
      if (!event) views.set(whole, (event = { change, pursuit: view(snapshot, principal) }));
      return event;
    });
  });
  const onHit = (hit: LprHit) => {
    const { read } = hit;
    // The read is stored and alerted whatever becomes of the pursuit (e.g. the agency's pursuits are at their limit).
    try {
      anchor(hit, read);
    } catch (error) {
      log.warn('hit anchored no pursuit', { hit: hit.id, error: error instanceof Error ? error.message : String(error) });
    }
  };
  const anchor = (hit: LprHit, read: LprHit['read']) =>
    pursuits.anchorHit({
      system: read.system,
      readId: read.readId,
      plate: read.plate,
      cameraId: hit.camera.id,
      at: read.at,
      headingDeg: typeof read.direction === 'number' ? read.direction % 360 : null,
      confidence: read.confidence,
      imageRef: read.imageRef ?? null
    });
  lpr.on('hit', onHit);

  const scenario = deps.scenario && new PursuitScenario({ ...deps.scenario, lpr, pursuits, log });
  return {
    pursuits,
    routes: [...pursuitRoutes({ pursuits, registry, visible: deps.visible, view }), ...(scenario ? scenarioRoutes(scenario) : [])],
    close: () => {
      scenario?.close();
      lpr.off('hit', onHit);
      pursuits.dispose();
    }
  };
}
