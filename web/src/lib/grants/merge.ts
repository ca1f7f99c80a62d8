/**
 * A `grants:changed` push applied to the lists the page shows: the grant leaves whatever list it
 * was on and joins the one its status now puts it in (none once it is denied or over).
 */
import type { GrantsChangedEvent, GrantsOverview, GrantView } from '$protocol/grants.ts';

export function applyGrantChange(overview: GrantsOverview, event: GrantsChangedEvent): GrantsOverview {
  const { view } = event;
  const without = (list: GrantView[]) => list.filter((v) => v.grant.id !== view.grant.id);
  const status = view.grant.status;
  if (event.list === 'overOwnCameras') {
    const rest = without(overview.overOwnCameras);
    return { ...overview, overOwnCameras: status === 'active' ? byExpiry([view, ...rest]) : rest };
  }
  const pending = without(overview.pending);
  const held = without(overview.held);
  return {
    ...overview,
    pending: status === 'pending' ? [view, ...pending] : pending,
    held: status === 'active' ? byExpiry([view, ...held]) : held
  };
}

/** The grant that runs out first, first. */
function byExpiry(list: GrantView[]): GrantView[] {
  return [...list].sort((a, b) => (a.grant.expiresAt ?? 0) - (b.grant.expiresAt ?? 0));
}
