/** The sound cue's beeps, pure: more and higher for a more urgent alarm. */

export interface Tone {
  /** Hz. */
  frequency: number;
  /** Seconds from the cue's start. */
  startS: number;
  durationS: number;
}

/** Priority 1 (most urgent): three high beeps; 2: two; lower: one. */
export function cuePattern(priority: number): Tone[] {
  const count = priority <= 1 ? 3 : priority === 2 ? 2 : 1;
  const frequency = priority <= 1 ? 1320 : priority === 2 ? 990 : 880;
  return Array.from({ length: count }, (_, i) => ({ frequency, startS: i * 0.22, durationS: 0.15 }));
}
