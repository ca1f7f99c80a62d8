/**
 * The incident wall's rules, as pure functions: auto-fill (the cameras nearest the incident)
 * leaves pinned cameras where they are; a camera picked goes to the selected tile, else a
 * free one, else (on the incident wall) the last tile that is not pinned.
 */

/** `ids` in order into the tiles that are not pinned; pinned cameras stay in their tiles. */
export function fillSlots(slots: ReadonlyArray<string | null>, ids: readonly string[], pinned: ReadonlySet<string>): Array<string | null> {
  const out = slots.map((id) => (id !== null && pinned.has(id) ? id : null));
  const queue = ids.filter((id) => !out.includes(id));
  for (let i = 0; i < out.length && queue.length; i++) if (out[i] === null) out[i] = queue.shift()!;
  return out;
}

/**
 * Which tile a camera goes to: the selected one, else a free one, else (when `replace` gives
 * the pins) the last one not pinned; -1 when there is none.
 */
export function pickSlot(slots: ReadonlyArray<string | null>, selected: number | null, pinned: ReadonlySet<string> | null): number {
  if (selected !== null && selected >= 0 && selected < slots.length) return selected;
  const free = slots.indexOf(null);
  if (free >= 0 || !pinned) return free;
  for (let i = slots.length - 1; i >= 0; i--) if (!pinned.has(slots[i]!)) return i;
  return -1;
}
