/**
 * Placing or selecting an incident is a run of requests; only the newest run may change the
 * board. Beginning one aborts the one before (its requests end, its answers are stale).
 */
export interface Run {
  readonly signal: AbortSignal;
  /** True once a newer run began or the board closed. */
  readonly stale: boolean;
}

export class LatestRun {
  #controller: AbortController | null = null;

  begin(): Run {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    return {
      signal: controller.signal,
      get stale() {
        return controller.signal.aborted;
      }
    };
  }

  abort(): void {
    this.#controller?.abort();
    this.#controller = null;
  }
}
