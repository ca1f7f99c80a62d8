/**
 * Grants as the people concerned see them: an agency its own grants (pending ones for its
 * supervisor to decide, those in force), and a district control centre (관제센터) the grants of
 * other agencies over the cameras it operates — with the incident, purpose, who and until when.
 * Also who must hear of a change, for the one publish path (`grants:changed`).
 */
import type { AgencyPolicies } from '../auth/policy.ts';
import { SEOUL_DISTRICTS } from '../geo/districts.ts';
import type { Principal } from '../auth/principal.ts';
import type { GrantRecord, GrantsChangedEvent, GrantsOverview, GrantView } from '../protocol/grants.ts';
import type { Incidents } from './incidents.ts';

export interface GrantViewsDeps {
  incidents: Incidents;
  policies: AgencyPolicies;
  /** The cameras of these 구 the grant opens for its agency (its circle or list, that agency's categories, the grant's bound). */
  opened: (grant: GrantRecord, districts: readonly string[]) => string[];
}

export class GrantViews {
  readonly #deps: GrantViewsDeps;

  constructor(deps: GrantViewsDeps) {
    this.#deps = deps;
  }

  overview(principal: Principal): GrantsOverview {
    const agency = principal.agency.id;
    const { grants } = this.#deps.incidents;
    const owns = this.#owns(agency);
    const overOwnCameras: GrantView[] = [];
    if (owns.length > 0) {
      for (const record of grants.withStatus('active')) {
        if (record.agency === agency) continue;
        const view = this.#overOwn(record, owns);
        if (view.cameras! > 0) overOwnCameras.push(view);
      }
    }
    return {
      owns: owns.map((code) => ({ code, name: SEOUL_DISTRICTS[code]?.name ?? code, nameEn: SEOUL_DISTRICTS[code]?.nameEn ?? code })),
      overOwnCameras,
      pending: grants.withStatus('pending', agency).map((record) => this.#view(record)),
      held: grants.withStatus('active', agency).map((record) => this.#view(record)),
      canDecide: principal.role === 'supervisor'
    };
  }

  /**
   * Each agency that must hear of this change, with what it sees: the grant's own agency, and
   * every control centre whose cameras a grant that is (or was) in force covers. A corridor grant
   * that moved (`before`: its cameras until now) is also told to the centres whose cameras it
   * left, with none of theirs (`cameras: 0`): it no longer touches them.
   */
  audiences(change: GrantsChangedEvent['change'], record: GrantRecord, before?: readonly string[]): Map<string, GrantsChangedEvent> {
    const events = new Map<string, GrantsChangedEvent>([[record.agency, { change, list: 'own', view: this.#view(record) }]]);
    if (record.expiresAt === null) return events;
    for (const owner of this.#deps.policies.owners()) {
      if (owner.id === record.agency) continue;
      const owns = owner.owns ?? [];
      const view = this.#overOwn(record, owns);
      const left = before !== undefined && this.#deps.opened({ ...record, cameras: [...before] }, owns).length > 0;
      if (view.cameras! > 0 || left) events.set(owner.id, { change, list: 'overOwnCameras', view });
    }
    return events;
  }

  /** A grant on a control centre's list: how many of its cameras it covers, and which (a corridor grant's). */
  #overOwn(record: GrantRecord, owns: readonly string[]): GrantView {
    const cameraIds = this.#deps.opened(record, owns);
    return record.cameras ? { ...this.#view(record, cameraIds.length), cameraIds } : this.#view(record, cameraIds.length);
  }

  #owns(agency: string): string[] {
    return this.#deps.policies.get(agency)?.owns ?? [];
  }

  #view(grant: GrantRecord, cameras?: number): GrantView {
    const incident = this.#deps.incidents.get(grant.incidentId);
    if (!incident) throw new Error(`grant ${grant.id} without its incident ${grant.incidentId}`);
    const agencyName = this.#deps.policies.get(grant.agency)?.name ?? grant.agency;
    return { grant, incident, agencyName, ...(cameras === undefined ? {} : { cameras }) };
  }
}
