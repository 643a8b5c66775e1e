/**
 * Every property the pipeline schema declares, with its path (`search.trials`,
 * `features[].resize.width`) and its schema node: for "did you mean `--set search.trials=3`" in
 * the CLI, and for checking that each property is documented.
 */
import { SCHEMA } from './schema.js';

type Node = Readonly<Record<string, unknown>>;

export interface SchemaProperty {
  /** Dotted path; `[]` stands for any array index. */
  readonly path: string;
  /** The property's own schema node ($ref not followed). */
  readonly node: Node;
  /** The node with its $ref target's keywords filled in: what an editor shows on hover. */
  readonly resolved: Node;
}

function resolve(root: Node, node: Node): Node {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return node;
  const defs = root.$defs as Readonly<Record<string, Node>>;
  const target = defs[ref.slice('#/$defs/'.length)];
  return target ? { ...target, ...node } : node;
}

/**
 * Each property of `schema` (default: the published pipeline schema) in schema order: every
 * declaration once, so a path declared by several variants (`data.path` of image-folder and of
 * csv) appears once per variant. Boolean guards (`{ counts: true }` in a oneOf branch) are not
 * properties.
 */
export function schemaProperties(schema: Node = SCHEMA): readonly SchemaProperty[] {
  const out = new Map<Node, SchemaProperty>();
  const walk = (raw: Node, prefix: string, depth: number, seen: ReadonlySet<string>) => {
    if (depth > 12) return;
    const ref = typeof raw.$ref === 'string' ? raw.$ref : null;
    if (ref !== null && seen.has(ref)) return;
    const inner = ref === null ? seen : new Set([...seen, ref]);
    const node = resolve(schema, raw);
    const props = node.properties as Readonly<Record<string, Node>> | undefined;
    for (const [name, child] of Object.entries(props ?? {})) {
      if (typeof child !== 'object' || child === null) continue;
      const p = prefix ? `${prefix}.${name}` : name;
      if (!out.has(child)) out.set(child, { path: p, node: child, resolved: resolve(schema, child) });
      walk(child, p, depth + 1, inner);
    }
    if (node.items && typeof node.items === 'object') walk(node.items as Node, `${prefix}[]`, depth + 1, inner);
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) for (const s of (node[k] as Node[] | undefined) ?? []) walk(s, prefix, depth + 1, inner);
    for (const k of ['then', 'else'] as const) if (node[k] && typeof node[k] === 'object') walk(node[k] as Node, prefix, depth + 1, inner);
    const extra = node.additionalProperties;
    if (extra && typeof extra === 'object') walk(extra as Node, `${prefix}.<name>`, depth + 1, inner);
  };
  walk(schema, '', 0, new Set());
  return [...out.values()];
}

/**
 * Paths whose last part is `name` (kebab-case or camelCase), without array or map placeholders:
 * what `--set` accepts as written. `trials` -> [`search.trials`].
 */
export function settablePathsNamed(name: string): readonly string[] {
  const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const paths = schemaProperties().map((p) => p.path).filter((p) => !p.includes('[]') && !p.includes('<name>') && (p === kebab || p.endsWith(`.${kebab}`)));
  return [...new Set(paths)];
}
