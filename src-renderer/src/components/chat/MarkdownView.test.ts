// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import type markdownIt from 'markdown-it';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { REPLY_CORPUS } from '../../markdown/corpus';
import { enhanceBlock } from '../../markdown/enhance';
import { renderMarkdown } from '../../markdown/renderer';
import { installHappyDomShims, normalizeHtml } from '../../markdown/testSupport';
import MarkdownView from './MarkdownView.vue';

/** Counts the markdown-it instances built, to check that views share them. */
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('markdown-it', async (importOriginal) => {
  const original = (await importOriginal<{ default: typeof markdownIt }>()).default;
  const counting = ((...args: Parameters<typeof markdownIt>) => {
    built.count++;
    return original(...args);
  }) as typeof original;
  return { default: counting };
});

beforeAll(installHappyDomShims);

/** The reply's HTML without the per-block wrappers, for comparing with a one-shot render. */
function contentOf(root: Element): string {
  return Array.from(root.querySelectorAll('.md-block'), (block) => block.innerHTML).join('');
}

describe('MarkdownView', () => {
  it('appends finished blocks without re-rendering the earlier ones', async () => {
    const wrapper = mount(MarkdownView, { props: { text: '# Title\n\nFirst para', streaming: true } });
    const heading = wrapper.element.querySelector('[data-md-block]');
    expect(heading?.textContent?.trim()).toBe('Title');
    const headingContent = heading!.firstElementChild;

    await wrapper.setProps({ text: '# Title\n\nFirst para.\n\nSecond' });
    await wrapper.setProps({ text: '# Title\n\nFirst para.\n\nSecond para.\n\nThird' });
    const blocks = wrapper.element.querySelectorAll('[data-md-block]');
    expect(blocks.length).toBe(3);
    // Same nodes, not re-created: Vue never re-rendered the finished block.
    expect(blocks[0]).toBe(heading);
    expect(blocks[0]!.firstElementChild).toBe(headingContent);
    expect(wrapper.element.querySelector('.md-tail')?.textContent?.trim()).toBe('Third');
    wrapper.unmount();
  });

  it('ends with the DOM of a one-shot render after streaming a reply', async () => {
    for (const text of [REPLY_CORPUS.mixed!, REPLY_CORPUS.tables!, REPLY_CORPUS.unclosedFence!]) {
      const wrapper = mount(MarkdownView, { props: { text: '', streaming: true } });
      for (let i = 1; i <= text.length; i += 7) await wrapper.setProps({ text: text.slice(0, i) });
      await wrapper.setProps({ text, streaming: false });
      expect(wrapper.element.querySelector('.md-tail')).toBeNull();
      const oneShot = document.createElement('div');
      oneShot.innerHTML = renderMarkdown(text);
      await enhanceBlock(oneShot);
      const enhancedCount = oneShot.querySelectorAll('[data-highlighted], [data-math-rendered]').length;
      await vi.waitFor(() =>
        expect(wrapper.element.querySelectorAll('[data-highlighted], [data-math-rendered]')).toHaveLength(
          enhancedCount,
        ),
      );
      expect(normalizeHtml(contentOf(wrapper.element))).toBe(normalizeHtml(oneShot.innerHTML));
      wrapper.unmount();
    }
  });

  it('starts over when the text is replaced by another message', async () => {
    const wrapper = mount(MarkdownView, { props: { text: 'Old reply.\n\nMore old', streaming: true } });
    await wrapper.setProps({ text: 'New reply', streaming: false });
    expect(wrapper.text()).toBe('New reply');
    wrapper.unmount();
  });

  it('highlights code once the block is finished', async () => {
    const wrapper = mount(MarkdownView, { props: { text: '```js\nconst x = 1;\n```\n\nafter', streaming: true } });
    await flushPromises();
    await vi.waitFor(() => expect(wrapper.element.querySelector('.hljs-keyword')?.textContent).toBe('const'));
    wrapper.unmount();
  });

  it('renders math in the last block when the stream ends', async () => {
    const wrapper = mount(MarkdownView, { props: { text: 'Area $\\pi r^2$', streaming: true } });
    await flushPromises();
    expect(wrapper.element.querySelector('.katex')).toBeNull();
    await wrapper.setProps({ streaming: false });
    await vi.waitFor(() => expect(wrapper.element.querySelector('[data-math-rendered] .katex')).not.toBeNull());
    wrapper.unmount();
  });

  it('copies code with the Copy button', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const wrapper = mount(MarkdownView, { props: { text: '```\nrm -rf <dir>\n```', streaming: false } });
    await wrapper.find('[data-copy-code]').trigger('click');
    expect(writeText).toHaveBeenCalledWith('rm -rf <dir>\n');
    wrapper.unmount();
  });

  it('emits open-link instead of navigating, and only for web and mail links', async () => {
    const wrapper = mount(MarkdownView, {
      props: { text: '[site](https://example.com) [bad](javascript:alert(1)) <ftp://x.example>', streaming: false },
    });
    const links = wrapper.findAll('a');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    links[0]!.element.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    for (const link of links.slice(1)) await link.trigger('click');
    expect(wrapper.emitted('open-link')).toEqual([[{ href: 'https://example.com', text: 'site' }]]);
    wrapper.unmount();
  });

  it('reports the link under the pointer or focus, and shows its real address as its tooltip', async () => {
    const wrapper = mount(MarkdownView, {
      props: { text: 'Go to [apple.com](https://xn--pple-43d.com/id) now.', streaming: false },
      attachTo: document.body,
    });
    const link = wrapper.find('a');
    await link.trigger('mouseover');
    expect(wrapper.emitted('hover-link')).toEqual([[{ href: 'https://xn--pple-43d.com/id', text: 'apple.com' }]]);
    expect(link.attributes('title')).toBe('https://аpple.com/id');
    await wrapper.find('.md-view').trigger('mouseleave');
    expect(wrapper.emitted('hover-link')?.at(-1)).toEqual([null]);
    (link.element as HTMLElement).focus();
    expect(wrapper.emitted('hover-link')?.at(-1)).toEqual([{ href: 'https://xn--pple-43d.com/id', text: 'apple.com' }]);
    wrapper.unmount();
  });

  it('shares one markdown-it per set of labels between views, each keeping its own streaming state', async () => {
    const french = { copy: 'Copier', plainText: 'texte', imageNotLoaded: 'Image non chargée :' };
    const german = { copy: 'Kopieren', plainText: 'Text', imageNotLoaded: 'Bild nicht geladen:' };
    const before = built.count;
    const views = [
      ...Array.from({ length: 5 }, (_, index) =>
        mount(MarkdownView, {
          props: { text: `# French ${index}\n\n\`\`\`\ncode\n\`\`\``, streaming: true, labels: french },
        }),
      ),
      ...Array.from({ length: 5 }, (_, index) =>
        mount(MarkdownView, { props: { text: `German ${index}`, streaming: true, labels: { ...german } } }),
      ),
    ];
    expect(built.count - before).toBe(2);
    await views[0]!.setProps({ text: '# French 0\n\n```\ncode\n```\n\nmore' });
    expect(views[0]!.text()).toContain('more');
    expect(views[1]!.text()).not.toContain('more');
    expect(views[0]!.find('.md-code-copy').text()).toBe('Copier');
    expect(views[5]!.text()).toBe('German 0');
    for (const view of views) view.unmount();
    mount(MarkdownView, { props: { text: 'again', streaming: false, labels: { ...french } } }).unmount();
    expect(built.count - before).toBe(2);
  });
});
