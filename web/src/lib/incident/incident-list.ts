/** The board's list of the agency's open incidents, newest first, one entry per incident. */
import type { IncidentsChangedEvent } from '$protocol/incidents.ts';
import type { Incident } from '$lib/map/geo-api.ts';

/** `incident` first (new or updated), the rest in their order. */
export function withIncident(list: readonly Incident[], incident: Incident): Incident[] {
  return [incident, ...list.filter((i) => i.id !== incident.id)];
}

/** The list after a live `incidents:changed`: a closed incident leaves it. */
export function afterChange(list: readonly Incident[], { change, incident }: IncidentsChangedEvent): Incident[] {
  return change === 'closed' ? list.filter((i) => i.id !== incident.id) : withIncident(list, incident);
}
