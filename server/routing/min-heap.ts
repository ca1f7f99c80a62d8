/**
 * A binary min-heap of (key, int value) pairs on typed arrays, for the router's open set. No
 * decrease-key: the router pushes a node again when it finds a cheaper path and skips stale
 * entries when they surface ("lazy deletion"), which is faster than an indexed heap in practice.
 */
export class MinHeap {
  private keys: Float64Array;
  private values: Int32Array;
  private length = 0;

  constructor(initialCapacity = 1024) {
    this.keys = new Float64Array(initialCapacity);
    this.values = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.length;
  }

  clear(): void {
    this.length = 0;
  }

  push(key: number, value: number): void {
    if (this.length === this.keys.length) this.grow();
    const keys = this.keys;
    const values = this.values;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk <= key) break;
      keys[i] = pk;
      values[i] = values[parent]!;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  /** The smallest key; undefined behaviour when empty (check `size`). */
  peekKey(): number {
    return this.keys[0]!;
  }

  /** Removes the entry with the smallest key and returns its value; -1 when empty. */
  pop(): number {
    if (this.length === 0) return -1;
    const keys = this.keys;
    const values = this.values;
    const top = values[0]!;
    const n = --this.length;
    if (n > 0) {
      const key = keys[n]!;
      const value = values[n]!;
      let i = 0;
      const half = n >> 1;
      while (i < half) {
        let child = 2 * i + 1;
        let ck = keys[child]!;
        const right = child + 1;
        if (right < n && keys[right]! < ck) {
          child = right;
          ck = keys[right]!;
        }
        if (ck >= key) break;
        keys[i] = ck;
        values[i] = values[child]!;
        i = child;
      }
      keys[i] = key;
      values[i] = value;
    }
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const values = new Int32Array(this.values.length * 2);
    values.set(this.values);
    this.keys = keys;
    this.values = values;
  }
}
