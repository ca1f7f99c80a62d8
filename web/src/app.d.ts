// See https://svelte.dev/docs/kit/types#app.d.ts
import type { GthProbe } from '$lib/probe.ts';

declare global {
  namespace App {
    // interface Error {}
    // interface Locals {}
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }

  interface Window {
    /** Test and benchmark probe, present while /monitor is open (see `$lib/probe.ts`). */
    __gth?: GthProbe;
  }
}

export {};
