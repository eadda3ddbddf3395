// The simulation's seeded pseudo-random generator: sfc32 seeded through splitmix32 from a 32-bit integer seed.
// Every consumer gets its own stream through fork(label). A child's state depends only on the root seed and the labels
// on its path, never on how many numbers anyone has drawn, so adding a node or a draw leaves every other stream as it was.

const UINT32_RANGE = 0x1_0000_0000;
/** sfc32 outputs discarded after seeding, so that nearby seeds diverge before the first draw. */
const WARMUP_ROUNDS = 12;

/** A deterministic random stream; construct with a seed, derive independent children with fork(). */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Creates the stream for `seed` (an integer in [0, 2^32)), or for the child at `path` below that seed. */
  constructor(
    readonly seed: number,
    readonly path: readonly string[] = [],
  ) {
    if (!Number.isInteger(seed) || seed < 0 || seed >= UINT32_RANGE) {
      throw new RangeError(`Expected \`seed\` to be an integer in [0, 4294967295], got \`${seed}\``);
    }
    let key = seed;
    for (const label of path) key = _deriveKey(key, label);
    const sm = { state: key };
    this.a = _splitmix32(sm);
    this.b = _splitmix32(sm);
    this.c = _splitmix32(sm);
    this.d = 1;
    for (let i = 0; i < WARMUP_ROUNDS; i++) this.nextUint32();
  }

  /** Derives the independent child stream named `label`; the same label always yields the same stream. */
  fork(label: string): Prng {
    return new Prng(this.seed, [...this.path, label]);
  }

  /** A uniformly distributed integer in [0, 2^32). */
  nextUint32(): number {
    // sfc32 by Chris Doty-Humphrey (PractRand).
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniformly distributed float in [0, 1) with 32 bits of precision. */
  nextFloat(): number {
    return this.nextUint32() / UINT32_RANGE;
  }

  /** A uniformly distributed integer in [0, maxExclusive), without modulo bias; maxExclusive is in [1, 2^32]. */
  nextInt(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > UINT32_RANGE) {
      throw new RangeError(`Expected \`maxExclusive\` to be an integer in [1, 4294967296], got \`${maxExclusive}\``);
    }
    // Reject the lowest (2^32 mod max) values so every residue is equally likely.
    const threshold = (UINT32_RANGE - maxExclusive) % maxExclusive;
    for (;;) {
      const x = this.nextUint32();
      if (x >= threshold) return x % maxExclusive;
    }
  }
}

// --- internal ---

/** Advances a splitmix32 state and returns its next output. */
function _splitmix32(sm: { state: number }): number {
  sm.state = (sm.state + 0x9e3779b9) | 0;
  return _fmix32(sm.state);
}

/** MurmurHash3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function _fmix32(x: number): number {
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** The key of child `label` under `key`; order-sensitive, so fork('a').fork('b') differs from fork('b').fork('a'). */
function _deriveKey(key: number, label: string): number {
  return _fmix32(_fmix32((key + 0x9e3779b9) | 0) ^ _hashLabel(label));
}

/** FNV-1a over the label's UTF-16 code units, finalised with fmix32. */
function _hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return _fmix32(h ^ label.length);
}
