/**
 * The 상황 공유 start page: the open views this person may join, and the form that opens a new
 * one — for an incident of their agency (from the board: `?incident=`) or standalone with a
 * title (태풍 대응), inviting other agencies. Opening answers with the view, whose page the
 * person goes to.
 */
import type { ViewSummary } from '$protocol/shared-view.ts';
import { toAppError, type AppError } from '$lib/errors/app-error.ts';
import type { Incident } from '$lib/map/geo-api.ts';
import type { ViewPort } from './shared-view.svelte.ts';

export interface AgencyChoice {
  id: string;
  name: string;
  nameEn: string;
}

export interface LobbySources {
  /** Open incidents of this person's agency. */
  incidents(): Promise<Incident[]>;
  /** Agencies to pick from (the dev sign-in's demo agencies); null where the hub lists none. */
  agencies(): Promise<AgencyChoice[] | null>;
}

export class ShareLobby {
  views = $state.raw<ViewSummary[]>([]);
  incidents = $state.raw<Incident[]>([]);
  agencies = $state.raw<AgencyChoice[]>([]);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state.raw<AppError | null>(null);

  title = $state('');
  incidentId = $state<string | null>(null);
  /** Agencies to invite (ids). */
  invite = $state<string[]>([]);
  /** An agency id typed by hand (where no list is offered). */
  other = $state('');
  opening = $state(false);
  openError = $state.raw<AppError | null>(null);

  readonly #port: ViewPort;
  readonly #sources: LobbySources;

  constructor(port: ViewPort, sources: LobbySources, incidentId: string | null) {
    this.#port = port;
    this.#sources = sources;
    this.incidentId = incidentId;
  }

  /** Lists views, incidents and agencies (again, on every ready session). */
  async load(ownAgency: string | null): Promise<void> {
    this.status = 'loading';
    try {
      const [{ views }, incidents, agencies] = await Promise.all([
        this.#port.request('view:list', {}),
        this.#sources.incidents().catch(() => [] as Incident[]),
        this.#sources.agencies().catch(() => null)
      ]);
      this.views = views;
      this.incidents = incidents;
      this.agencies = (agencies ?? []).filter((a) => a.id !== ownAgency);
      const bound = incidents.find((i) => i.id === this.incidentId);
      if (bound && !this.title) this.title = `${bound.type} ${bound.address ?? ''}`.trim();
      this.status = 'ready';
    } catch (error) {
      this.error = toAppError(error);
      this.status = 'error';
    }
  }

  toggleInvite(agency: string): void {
    this.invite = this.invite.includes(agency) ? this.invite.filter((a) => a !== agency) : [...this.invite, agency];
  }

  /** Opens the view; resolves with its id (null when the hub refused: `openError` says why). */
  async open(): Promise<string | null> {
    const title = this.title.trim();
    if (!title || this.opening) return null;
    this.opening = true;
    this.openError = null;
    const agencies = [...new Set([...this.invite, ...this.other.split(/[\s,]+/).filter(Boolean)])];
    try {
      const { view } = await this.#port.request('view:open', {
        title,
        ...(this.incidentId ? { incidentId: this.incidentId } : {}),
        invite: { agencies, users: [] }
      });
      return view.id;
    } catch (error) {
      this.openError = toAppError(error);
      return null;
    } finally {
      this.opening = false;
    }
  }
}
