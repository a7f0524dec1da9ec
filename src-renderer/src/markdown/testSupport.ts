/**
 * Helpers for the markdown tests (never imported by app code).
 *
 * happy-dom defines `Node.prototype.nodeName` as a getter returning '' that
 * subclasses override. DOMPurify 3.5 reads node names through the
 * `Node.prototype` getter (as a guard against clobbering), so under happy-dom
 * it sees every element as '' and strips it. Browsers have one real getter on
 * `Node.prototype`; this shim makes happy-dom behave the same way.
 */
export function installHappyDomShims(): void {
  const proto = window.Node.prototype;
  const marker = Symbol.for('nagare.nodeNameShim');
  if ((proto as unknown as Record<symbol, boolean>)[marker]) return;
  Object.defineProperty(proto, marker, { value: true });
  Object.defineProperty(proto, 'nodeName', {
    configurable: true,
    get(this: Node): string {
      for (let p = Object.getPrototypeOf(this); p && p !== proto; p = Object.getPrototypeOf(p)) {
        const getter = Object.getOwnPropertyDescriptor(p, 'nodeName')?.get;
        if (getter) return getter.call(this) as string;
      }
      return '';
    },
  });
}

/** Parses HTML into a detached container. */
export function toDom(html: string): HTMLElement {
  const container = document.createElement('div');
  container.innerHTML = html;
  return container;
}

/** Serializes HTML after a parse, so two renderings compare as DOM, not as strings. */
export function normalizeHtml(html: string): string {
  return toDom(html).innerHTML;
}

const BAD_URL = /^\s*(?:javascript|vbscript|data):/i;

/** Every way the given markup could run script or load a remote resource; empty when safe. */
export function findExecutableMarkup(root: ParentNode): string[] {
  const problems: string[] = [];
  for (const element of Array.from(root.querySelectorAll('*'))) {
    const tag = element.tagName.toLowerCase();
    if (
      ['script', 'iframe', 'object', 'embed', 'frame', 'form', 'input', 'style', 'link', 'meta', 'base'].includes(tag)
    ) {
      problems.push(`<${tag}>`);
    }
    if (tag === 'img' || tag === 'image' || tag === 'video' || tag === 'audio' || tag === 'source') {
      problems.push(`<${tag}> (remote load)`);
    }
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`${tag}[${name}]`);
      if (['href', 'src', 'xlink:href', 'action', 'formaction', 'srcset', 'background', 'poster'].includes(name)) {
        if (BAD_URL.test(attribute.value.replace(/[\u0000-\u001f]/g, '')))
          problems.push(`${tag}[${name}=${attribute.value}]`);
      }
      if (name === 'style' && /url\(|expression\(/i.test(attribute.value))
        problems.push(`${tag}[style=${attribute.value}]`);
    }
  }
  return problems;
}
