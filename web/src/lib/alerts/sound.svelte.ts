/**
 * The alarm queue's sound cue: short WebAudio beeps, more and higher for a more urgent alarm,
 * unless the operator muted them (remembered in this browser). A page may not start audio
 * before the person has interacted with it: until then the cue is not played (no autoplay
 * error in the console) and `blocked` says so, and the first click or key anywhere unlocks it.
 */

import { cuePattern } from './cue.ts';

const MUTE_KEY = 'gth.alarms.muted';

/** What the cue needs of the browser (a test passes its own). */
export interface SoundHost {
  /** Whether the person has interacted with the page (a context may start). */
  activated(): boolean;
  createContext(): AudioContext;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
}

export const browserSoundHost = (): SoundHost => ({
  activated: () => navigator.userActivation?.hasBeenActive ?? true,
  createContext: () => new AudioContext(),
  storage: typeof localStorage === 'undefined' ? null : localStorage
});

export class AlarmSound {
  muted = $state(false);
  /** A cue was due before the page could play sound. */
  blocked = $state(false);
  /** Cues played (tests read it from the page). */
  played = $state(0);

  readonly #host: SoundHost;
  #context: AudioContext | null = null;

  constructor(host: SoundHost = browserSoundHost()) {
    this.#host = host;
    this.muted = host.storage?.getItem(MUTE_KEY) === '1';
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.#host.storage?.setItem(MUTE_KEY, muted ? '1' : '0');
    if (!muted) this.unlock();
  }

  /** After a click or key: the context may start now. */
  unlock(): void {
    if (this.muted || !this.#host.activated()) return;
    this.blocked = false;
    const context = (this.#context ??= this.#host.createContext());
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
  }

  cue(priority: number): void {
    if (this.muted) return;
    if (!this.#host.activated()) {
      this.blocked = true;
      return;
    }
    this.unlock();
    const context = this.#context;
    if (!context) return;
    const start = context.currentTime + 0.02;
    for (const tone of cuePattern(priority)) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = tone.frequency;
      gain.gain.setValueAtTime(0.0001, start + tone.startS);
      gain.gain.exponentialRampToValueAtTime(0.25, start + tone.startS + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + tone.startS + tone.durationS);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + tone.startS);
      oscillator.stop(start + tone.startS + tone.durationS + 0.02);
    }
    this.played++;
  }

  /** Closes the audio context (the page goes). */
  close(): void {
    void this.#context?.close().catch(() => undefined);
    this.#context = null;
  }
}
