/**
 * Flattening nested JSON into dotted keys (`features[1].kind`, `model.space.units.low`) and
 * listing which keys changed between two values. Pure.
 */

/** One changed key: `before`/`after` are display texts; `null` means the key is absent on that side. */
export interface ValueChange {
  readonly key: string;
  readonly before: string | null;
  readonly after: string | null;
}

/** Display text of a leaf: strings bare, everything else as JSON. */
function leafText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}

/**
 * Leaves of `value` keyed by path: object members joined with `.`, array elements as `[i]`.
 * Empty objects and arrays below the top are leaves (`{}`, `[]`) so that adding the first member
 * shows up; an empty top level has no leaves, a scalar top level is the one leaf `(value)`.
 */
export function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, key: string): void => {
    if (Array.isArray(v) && v.length > 0) {
      v.forEach((x, i) => walk(x, `${key}[${i}]`));
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0) {
      for (const k of Object.keys(v).sort()) walk((v as Record<string, unknown>)[k], key ? `${key}.${k}` : k);
    } else if (v !== undefined && key !== '') {
      out.set(key, leafText(v));
    } else if (v !== undefined && (typeof v !== 'object' || v === null)) {
      out.set('(value)', leafText(v));
    }
  };
  walk(value, prefix);
  return out;
}

/** Keys whose flattened value differs between `a` and `b`, in sorted key order. */
export function changedKeys(a: unknown, b: unknown): ValueChange[] {
  const fa = flatten(a), fb = flatten(b);
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort(compareKeys);
  return keys.flatMap((key) => {
    const before = fa.get(key) ?? null, after = fb.get(key) ?? null;
    return before === after ? [] : [{ key, before, after }];
  });
}

/** Order keys so `features[2]` comes before `features[10]`. */
export function compareKeys(a: string, b: string): number {
  const pa = a.split(/(\d+)/), pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    const na = Number(pa[i]), nb = Number(pb[i]);
    if (i % 2 === 1 && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
    return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}
