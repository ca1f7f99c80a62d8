/**
 * The alerts domain as the hub composes it: the sources' front door (`POST /api/alerts/events`),
 * the alarms with their store, timers and grants, the per-session view on the one publish path
 * (`alarm:changed`), and in development the simulators (`POST /api/dev/alert-scenario`). close()
 * stops the simulators and the alarms' timers; the database and the grants stay with their owners.
 */
import { json } from '../api.ts';
import type { RefusalTally } from '../audit/refusal-tally.ts';
import type { AuditInput } from '../audit/types.ts';
import type { AgencyPolicies } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { CameraRegistry } from '../cameras/registry.ts';
import type { VisibleSet } from '../cameras/scope-index.ts';
import type { Db } from '../db.ts';
import type { DistrictRef } from '../geo/districts.ts';
import type { ApiRoute, SourceRoute } from '../http.ts';
import type { Incidents } from '../incidents/incidents.ts';
import type { Logger } from '../log.ts';
import type { AlarmChangedEvent } from '../protocol/alerts.ts';
import { Alarms, type AlarmsDeps } from './alarms.ts';
import type { AlertsConfig } from './config.ts';
import type { DemoAlerts } from './demo.ts';
import { AlertIntake } from './intake.ts';
import { AlertEmitter } from './sim/emit.ts';
import type { AlertSigner } from './sim/dev-source.ts';
import { alertScenarioRoutes, AlertScenarios } from './sim/scenarios.ts';
import type { AlertSources } from './sources.ts';
import { AlarmStore } from './store.ts';

/** An event and its fixes fit easily (50 fixes ≈ 4 KB). */
const MAX_EVENT_BODY_BYTES = 16 * 1024;

export interface AlertPartsDeps {
  db: Db;
  incidents: Incidents;
  policies: Pick<AgencyPolicies, 'get'>;
  registry: Pick<CameraRegistry, 'get'>;
  nearest: AlarmsDeps['nearest'];
  districtAt: (lat: number, lon: number) => DistrictRef | null;
  visible: (principal: Principal) => VisibleSet;
  /** The configured routes and sites, with the demo city's added in development. */
  config: AlertsConfig;
  sources: AlertSources;
  /** Refused events, counted (a RefusalTally with action `alert.refused`). */
  refusals: Pick<RefusalTally, 'count'>;
  record: (input: AuditInput) => void;
  publish: (agencies: ReadonlySet<string>, view: (principal: Principal) => AlarmChangedEvent) => void;
  log: Logger;
  /** Development: the simulators' places, the development source and the hub's own URL. */
  scenario: { places: DemoAlerts['places']; signer: AlertSigner; hubUrl: () => string } | undefined;
}

export interface AlertParts {
  alarms: Alarms;
  sourceRoutes: SourceRoute[];
  routes: ApiRoute[];
  close(): void;
}

export function composeAlerts(deps: AlertPartsDeps): AlertParts {
  const { config, policies } = deps;
  const log = deps.log.child({ domain: 'alerts' });
  // Agencies the routes name must exist: a typo would route an alarm to nobody, silently.
  for (const route of config.routes) {
    const named = [...route.to.map((to) => to.agency), ...(route.escalateTo && route.escalateTo !== 'supervisor' ? [route.escalateTo] : [])];
    const unknown = named.filter((agency) => !policies.get(agency));
    if (unknown.length > 0) throw new Error(`invalid configuration: alerts.routes names agencies without a policy: ${unknown.join(', ')}`);
  }
  const alarms = new Alarms({
    store: new AlarmStore(deps.db),
    incidents: deps.incidents,
    policies,
    registry: deps.registry,
    nearest: deps.nearest,
    districtAt: deps.districtAt,
    visible: deps.visible,
    config,
    record: deps.record,
    publish: deps.publish,
    log
  });
  const intake = new AlertIntake({ verify: (bearer) => deps.sources.verify(bearer), alarms, rate: config.rate, refusals: deps.refusals, record: deps.record });
  const scenario = deps.scenario;
  const scenarios =
    scenario &&
    new AlertScenarios({
      where: {
        places: scenario.places,
        waterSite: config.waterSites[0],
        cameraAt: (point) => deps.nearest(point.lat, point.lon, 1, () => true)[0]?.id
      },
      emitter: () => new AlertEmitter(scenario.hubUrl(), scenario.signer),
      log
    });
  return {
    alarms,
    sourceRoutes: [
      {
        method: 'POST',
        path: /^\/api\/alerts\/events$/,
        maxBodyBytes: MAX_EVENT_BODY_BYTES,
        handle: async ({ bearer, body, clientAddress }) => {
          const answer = await intake.ingest(bearer, body, clientAddress);
          return json(answer.result === 'raised' ? 201 : 200, answer);
        }
      }
    ],
    routes: scenarios ? alertScenarioRoutes(scenarios) : [],
    close: () => {
      scenarios?.close();
      alarms.close();
    }
  };
}
