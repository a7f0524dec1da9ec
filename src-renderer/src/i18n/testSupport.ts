/** Helpers for the catalogue tests (never imported by app code). */

/** A message catalogue, or part of one. */
export type Tree = { [key: string]: string | Tree };

/** Every leaf as `path → text`. */
export function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [inner, text] of leaves(value, path)) out.set(inner, text);
  }
  return out;
}
