/**
 * Helpers for the markdown tests (never imported by app code).
 *
 * happy-dom defines `Node.prototype.nodeName` as a getter returning '' that
 * subclasses override. DOMPurify 3.5 reads node names through the
 * `Node.prototype` getter (as a guard against clobbering), so under happy-dom
 * it sees every element as '' and strips it. Browsers have one real getter on
 * `Node.prototype`; this shim makes happy-dom behave the same way.
 */
import { INLINE_RASTER_IMAGE } from './sanitize';

function installNodeNameShim(): void {
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

/**
 * happy-dom's NodeIterator is a TreeWalker: when the node it stands on is
 * removed it wanders off inside the detached subtree and stops, so DOMPurify
 * (which removes nodes while iterating) would skip everything after the first
 * removed element. This one resumes where the removed node was, as the DOM
 * spec's removal steps do in browsers.
 */
class ResumingNodeIterator {
  private reference: Node | null = null;
  private anchorParent: Node | null = null;
  private anchorPrevious: Node | null = null;

  constructor(
    readonly root: Node,
    readonly whatToShow: number,
    readonly filter: NodeFilter | null,
  ) {}

  private accepts(node: Node): boolean {
    if (!(this.whatToShow & (1 << (node.nodeType - 1)))) return false;
    if (!this.filter) return true;
    const verdict = typeof this.filter === 'function' ? this.filter(node) : this.filter.acceptNode(node);
    return verdict === window.NodeFilter.FILTER_ACCEPT;
  }

  private following(node: Node, descend: boolean): Node | null {
    if (descend && node.firstChild) return node.firstChild;
    for (let n: Node | null = node; n && n !== this.root; n = n.parentNode) if (n.nextSibling) return n.nextSibling;
    return null;
  }

  nextNode(): Node | null {
    let candidate: Node | null;
    if (!this.reference) candidate = this.root;
    else if (this.root.contains(this.reference)) candidate = this.following(this.reference, true);
    else if (this.anchorPrevious && this.anchorPrevious.parentNode === this.anchorParent) {
      candidate = this.following(this.anchorPrevious, false);
    } else {
      candidate =
        this.anchorParent?.firstChild ?? (this.anchorParent ? this.following(this.anchorParent, false) : null);
    }
    while (candidate && !this.accepts(candidate)) candidate = this.following(candidate, true);
    if (candidate) {
      this.reference = candidate;
      this.anchorParent = candidate.parentNode;
      this.anchorPrevious = candidate.previousSibling;
    }
    return candidate;
  }

  detach(): void {}
}

/**
 * Makes happy-dom behave like a browser where DOMPurify depends on it. Call
 * before the first sanitize (DOMPurify captures these when it is created).
 */
export function installHappyDomShims(): void {
  installNodeNameShim();
  // DOMPurify reads `document.createNodeIterator` once and calls it on parsed documents.
  Object.defineProperty(window.document, 'createNodeIterator', {
    configurable: true,
    value: (root: Node, whatToShow = 0xffffffff, filter: NodeFilter | null = null) =>
      new ResumingNodeIterator(root, whatToShow, filter),
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

/** Browsers ignore control characters inside a URL scheme, so the check does too. */
function withoutControlCharacters(value: string): string {
  return Array.from(value)
    .filter((c) => c >= ' ')
    .join('');
}

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
    const inlineRaster = tag === 'img' && INLINE_RASTER_IMAGE.test(element.getAttribute('src') ?? '');
    if ((tag === 'img' && !inlineRaster) || ['image', 'video', 'audio', 'source'].includes(tag)) {
      problems.push(`<${tag}> (remote load)`);
    }
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`${tag}[${name}]`);
      if (['href', 'src', 'xlink:href', 'action', 'formaction', 'srcset', 'background', 'poster'].includes(name)) {
        if (!inlineRaster && BAD_URL.test(withoutControlCharacters(attribute.value)))
          problems.push(`${tag}[${name}=${attribute.value}]`);
      }
      if (name === 'style' && /url\(|expression\(/i.test(attribute.value))
        problems.push(`${tag}[style=${attribute.value}]`);
    }
  }
  return problems;
}
