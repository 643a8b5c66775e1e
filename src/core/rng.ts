/**
 * The one seeded random source. Every stage and trial derives its own stream with
 * `rng.child('stage-name')`, so adding a draw in one stage never shifts another stage's numbers.
 * Nothing that shapes a result may use Math.random().
 */

/** cyrb128: a fast, well-mixed 128-bit string hash (public domain), used only to derive seeds. */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4; h2 ^= h1; h3 ^= h1; h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Seeded pseudo-random stream (sfc32). Deterministic for a given seed path on every platform. */
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  /** The path this stream was derived from, e.g. `2022/search/trial-3`: useful in fingerprints and logs. */
  readonly path: string;

  constructor(seed: number | string, path?: string) {
    this.path = path ?? String(seed);
    [this.a, this.b, this.c, this.d] = cyrb128(this.path);
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** A child stream, independent of how many numbers this stream has drawn. */
  child(name: string | number): Rng {
    return new Rng(0, `${this.path}/${name}`);
  }

  /** A 32-bit integer seed derived from this stream's path (for libraries that take a number). */
  seed(): number {
    return cyrb128(`${this.path}#seed`)[0];
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i]!; xs[i] = xs[j]!; xs[j] = t;
    }
    return xs;
  }

  /** k distinct indices from [0, n), in draw order. */
  sample(n: number, k: number): number[] {
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < Math.min(k, n); i++) {
      const j = i + this.int(n - i);
      const t = idx[i]!; idx[i] = idx[j]!; idx[j] = t;
    }
    return idx.slice(0, Math.min(k, n));
  }
}
