/**
 * Cameras at city scale: one mark per square cell with how many cameras it holds, instead of
 * tens of thousands of overlapping dots. Pure (projected coordinates in, cells out), so the map
 * can cache one list per zoom level and redraw nothing while the view stands still.
 */

export interface DensityCell {
  /** Where the mark goes: the mean position of the cell's cameras (map units). */
  x: number;
  y: number;
  count: number;
}

const ROW_SPAN = 2 ** 27;

/** Buckets the points (x[i], y[i]) into square cells `size` map units wide, aligned on the origin. */
export function densityCells(x: ArrayLike<number>, y: ArrayLike<number>, size: number): DensityCell[] {
  if (!(size > 0)) throw new RangeError(`cell size must be positive (${size})`);
  const cells = new Map<number, { sx: number; sy: number; count: number }>();
  for (let i = 0; i < x.length; i++) {
    const px = x[i]!;
    const py = y[i]!;
    // Cell column and row in one exact number (|row| < 2^26 for any Web Mercator cell of 1 m or more).
    const key = Math.floor(px / size) * ROW_SPAN + Math.floor(py / size);
    const cell = cells.get(key);
    if (cell) {
      cell.sx += px;
      cell.sy += py;
      cell.count++;
    } else cells.set(key, { sx: px, sy: py, count: 1 });
  }
  return [...cells.values()].map(({ sx, sy, count }) => ({ x: sx / count, y: sy / count, count }));
}
