/**
 * Feeds a page's session to its shared view: the view's pushes, and every time the session is
 * ready (again) who this is, so the view joins from the version it holds. Call during the
 * page's set-up (it makes an `$effect`).
 */
import { untrack } from 'svelte';
import type { SessionManager } from '$lib/state/session.svelte.ts';
import type { SharedView } from './shared-view.svelte.ts';

export function feedView(session: SessionManager, view: SharedView): void {
  session.on('view:ops', (event) => view.handleOps(event));
  session.on('view:tiles', (event) => view.handleTiles(event));
  session.on('view:participants', (event) => view.handleParticipants(event));
  session.on('view:ended', (event) => view.handleEnded(event));
  $effect(() => {
    const ready = session.status === 'ready';
    const info = session.info;
    untrack(() => view.handleSession(ready, info ? { subject: info.subject, agency: info.agency.id, name: info.name, role: info.role } : null));
  });
}
