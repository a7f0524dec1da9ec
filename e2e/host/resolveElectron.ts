/** Module-resolution hook: `electron` becomes the chromium host's double. Nothing else changes. */
const doubleUrl = new URL('./electronDouble.ts', import.meta.url).href;

type NextResolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve) {
  if (specifier === 'electron') return { url: doubleUrl, shortCircuit: true, format: 'module' };
  return nextResolve(specifier, context);
}
