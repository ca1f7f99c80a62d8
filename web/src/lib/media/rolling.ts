/** Small fixed-size sample buffers for per-frame measurements (no allocation per sample). */

export class RingBuffer {
  readonly #values: Float64Array;
  #next = 0;
  #size = 0;
  #total = 0;

  constructor(readonly capacity: number) {
    this.#values = new Float64Array(capacity);
  }

  push(value: number): void {
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
    this.#total++;
  }

  /** Samples held now. */
  get size(): number {
    return this.#size;
  }

  /** Samples ever pushed (a poller takes `total - lastTotal` new ones from the end). */
  get total(): number {
    return this.#total;
  }

  /** The last `n` samples (all by default), oldest first. */
  last(n = this.#size): number[] {
    const count = Math.min(n, this.#size);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.#values[(this.#next - count + i + this.capacity) % this.capacity] ?? 0;
    }
    return out;
  }

  clear(): void {
    this.#next = 0;
    this.#size = 0;
  }
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
