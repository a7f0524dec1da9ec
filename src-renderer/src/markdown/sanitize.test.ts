// @vitest-environment happy-dom
import { beforeAll, describe, expect, it } from 'vitest';
import { createIncrementalMarkdown } from './incremental';
import { renderMarkdown } from './renderer';
import { sanitizeHtml, sanitizeKatexHtml } from './sanitize';
import { findExecutableMarkup, installHappyDomShims, toDom } from './testSupport';

beforeAll(installHappyDomShims);

const XSS_CORPUS: Record<string, string> = {
  script: '<script>alert(1)</script>',
  imgOnerror: '<img src=x onerror=alert(1)>',
  javascriptLink: '[x](javascript:alert(1))',
  mixedCaseJavascript: '[x](JaVaScRiPt:alert(1))',
  entityJavascript: '[x](&#106;avascript:alert(1)) [y](javascript&colon;alert(1)) [z](&#x6A;avascript:alert(1))',
  tabbedJavascript: '[x](java\tscript:alert(1)) [y](<java\nscript:alert(1)>)',
  vbscript: '[x](vbscript:msgbox(1))',
  svgScript: '<svg><script>alert(1)</script></svg>',
  svgOnload: '<svg onload=alert(1)>',
  iframe: '<iframe src="https://evil.example"></iframe>',
  dataLink: '<a href="data:text/html,<script>alert(1)</script>">x</a> [d](data:text/html;base64,PHNjcmlwdD4=)',
  htmlInCodeSpan: '`<img src=x onerror=alert(1)>` and `<script>`',
  htmlInFence: '```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```',
  mathTricks: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  mathInTex: '$\\href{javascript:alert(1)}{x}$ and $$\\url{javascript:alert(1)}$$',
  remoteImage: '![x](https://evil/x.png)',
  dataImage: '![x](data:image/png;base64,iVBORw0KGgo=)',
  autolinkJavascript: '<javascript:alert(1)> and www.javascript:alert(1).com',
  styleInjection:
    '<style>body{background:url(https://evil/x)}</style><div style="background:url(javascript:alert(1))">x</div>',
  objectEmbed: '<object data="x.swf"></object><embed src="x.swf">',
  form: '<form action="javascript:alert(1)"><input autofocus onfocus=alert(1)></form>',
  linkTitle: '[x](https://ok.example "\\" onmouseover=alert(1) x=\\"")',
};

describe('sanitized markdown', () => {
  for (const [name, source] of Object.entries(XSS_CORPUS)) {
    it(`${name}: no executable markup in a one-shot render`, () => {
      expect(findExecutableMarkup(toDom(renderMarkdown(source)))).toEqual([]);
    });

    it(`${name}: no executable markup in streamed blocks or the tail`, () => {
      const engine = createIncrementalMarkdown();
      const parts: string[] = [];
      for (let i = 1; i <= source.length; i++) {
        const update = engine.update(source.slice(0, i));
        parts.push(...update.frozen.map((b) => b.html), update.tail);
      }
      parts.push(...engine.finish().frozen.map((b) => b.html));
      for (const html of parts) expect(findExecutableMarkup(toDom(html))).toEqual([]);
    });
  }

  it('the checker itself catches what it looks for', () => {
    const bad = toDom('<a href="javascript:x" onclick="y">a</a><img src="https://e/x.png"><iframe></iframe>');
    expect(findExecutableMarkup(bad)).toHaveLength(4);
  });

  it('strips raw markup that reaches the sanitizer directly', () => {
    const html = sanitizeHtml(
      '<p onclick="x">a</p><script>x</script><a href="javascript:alert(1)">j</a><img src="https://e/x.png"><svg onload="x"></svg>',
    );
    expect(findExecutableMarkup(toDom(html))).toEqual([]);
    expect(html).toContain('<p>a</p>');
  });

  it('shows images as text and a link instead of loading them', () => {
    const dom = toDom(renderMarkdown('![diagram](https://evil.example/x.png)'));
    expect(dom.querySelector('img')).toBeNull();
    expect(dom.textContent).toContain('diagram');
    expect(dom.querySelector('a')?.getAttribute('href')).toBe('https://evil.example/x.png');
  });

  it('shows inline PNG, JPEG, GIF and WebP images, and nothing else as an image', () => {
    const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    for (const type of ['png', 'jpeg', 'gif', 'webp']) {
      const img = toDom(renderMarkdown(`![a ${type} dot](data:image/${type};base64,${pixel})`)).querySelector('img');
      expect(img?.getAttribute('src'), type).toBe(`data:image/${type};base64,${pixel}`);
      expect(img?.getAttribute('alt')).toBe(`a ${type} dot`);
    }
    const svg = toDom(renderMarkdown('![logo](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'));
    // markdown-it does not take an SVG data: URL as an image at all: it stays text.
    expect(svg.querySelector('img')).toBeNull();
    expect(svg.textContent).toContain('data:image/svg+xml');
    // Straight into the sanitizer: only the inline raster survives, without its handler.
    const direct = toDom(
      sanitizeHtml(
        `<img src="data:image/png;base64,${pixel}" onerror="alert(1)"><img src="https://e.example/x.png">` +
          '<img src="data:image/svg+xml;base64,PHN2Zz4="><img src="data:image/png;base64,AA&quot; onload=&quot;x">',
      ),
    );
    expect(Array.from(direct.querySelectorAll('img')).map((img) => img.outerHTML)).toEqual([
      `<img src="data:image/png;base64,${pixel}">`,
    ]);
  });

  it('keeps remote images blocked, with a placeholder that shows where they are', () => {
    const dom = toDom(renderMarkdown('![chart](https://tracker.example/c.png?id=42)'));
    const placeholder = dom.querySelector('.md-image-blocked');
    expect(placeholder?.textContent).toContain('chart');
    expect(placeholder?.textContent).toContain('Image not loaded:');
    expect(placeholder?.querySelector('a')?.textContent).toBe('https://tracker.example/c.png?id=42');
  });

  it('strips bidi controls from link text, where they would disguise it', () => {
    const dom = toDom(renderMarkdown('[invoice\u202Efdp.exe](https://files.example/x) and outside \u202Ekept'));
    expect(dom.querySelector('a')?.textContent).toBe('invoicefdp.exe');
    expect(dom.textContent).toContain('\u202Ekept');
  });

  it('marks web and mail links for routing to openExternal, and unlinks the rest', () => {
    const dom = toDom(
      renderMarkdown('[w](https://a.example) [m](mailto:a@b.example) [f](ftp://x.example) [r](relative.html)'),
    );
    const links = Array.from(dom.querySelectorAll('a'));
    const routed = links.filter((a) => a.hasAttribute('data-external-link')).map((a) => a.getAttribute('href'));
    expect(routed).toEqual(['https://a.example', 'mailto:a@b.example']);
    for (const a of links) {
      if (a.hasAttribute('href')) expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    }
    expect(links.filter((a) => a.hasAttribute('href'))).toHaveLength(2);
  });

  it('escapes HTML inside code blocks', () => {
    const dom = toDom(renderMarkdown('```html\n<b onclick="x">hi</b>\n```'));
    expect(dom.querySelector('code')?.textContent).toBe('<b onclick="x">hi</b>\n');
    expect(dom.querySelector('b')).toBeNull();
  });

  // happy-dom parses <math> in the HTML namespace, so MathML itself is only
  // kept in a real browser; styles and the refusal of links are checked here.
  it('keeps KaTeX styles and SVG but no links or handlers', () => {
    const html = sanitizeKatexHtml(
      '<span class="katex" style="height:1em"><svg viewBox="0 0 10 10"><path d="M0,0h10"></path></svg>' +
        '<a href="https://e.example">l</a><span onmouseover="x">y</span></span>',
    );
    expect(html).toContain('style="height:1em"');
    expect(html).toContain('<path d="M0,0h10">');
    expect(html).not.toContain('<a');
    expect(html).not.toContain('onmouseover');
  });
});
