// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { Pin } from 'lucide-vue-next';
import { describe, expect, it, vi } from 'vitest';
import ActionRow from './ActionRow.vue';

describe('ActionRow', () => {
  it('draws an action with an icon as an icon button named by its label, one without as a labelled button', () => {
    const actions = mount(ActionRow, {
      props: {
        actions: [
          { testId: 'pin', label: 'Pin', icon: Pin, tip: 'Pin (Ctrl+Shift+P)', pressed: false, run: () => undefined },
          { testId: 'keep', label: 'Keep', look: 'primary', run: () => undefined },
        ],
      },
    });
    const pin = actions.get('[data-testid="pin"]');
    expect(pin.attributes()).toMatchObject({
      'aria-label': 'Pin',
      title: 'Pin (Ctrl+Shift+P)',
      'aria-pressed': 'false',
    });
    expect(pin.text()).toBe('');
    const keep = actions.get('[data-testid="keep"]');
    expect(keep.text()).toBe('Keep');
    expect(keep.classes()).toEqual(expect.arrayContaining(['button', 'small', 'primary']));
    expect(keep.attributes('type')).toBe('button');
    // A row of text buttons keeps them apart; icons only sit close, as in a toolbar.
    expect(actions.classes()).not.toContain('icons');
  });

  it('runs the action clicked, and none that is disabled', async () => {
    const remove = vi.fn();
    const copy = vi.fn();
    const actions = mount(ActionRow, {
      props: {
        actions: [
          { testId: 'copy', label: 'Copy', icon: Pin, run: copy },
          { testId: 'delete', label: 'Delete', icon: Pin, look: 'danger', disabled: true, run: remove },
        ],
      },
    });
    await actions.get('[data-testid="copy"]').trigger('click');
    await actions.get('[data-testid="delete"]').trigger('click');
    expect(copy).toHaveBeenCalledOnce();
    expect(remove).not.toHaveBeenCalled();
    expect(actions.get('[data-testid="delete"]').classes()).toContain('danger');
    expect(actions.classes()).toContain('icons');
  });

  it('draws full-size labelled buttons when asked, with what the caller adds after them', () => {
    const row = mount(ActionRow, {
      props: { actions: [{ testId: 'backup', label: 'Back up now', run: () => undefined }], fullSize: true },
      slots: { default: '<span data-testid="status">Saved</span>' },
    });
    expect(row.get('[data-testid="backup"]').classes()).not.toContain('small');
    expect(row.element.lastElementChild?.getAttribute('data-testid')).toBe('status');
  });

  it('spaces a row with no actions as a row of words, not of icons', () => {
    const row = mount(ActionRow, { props: { actions: [] }, slots: { default: '<span>Only words</span>' } });
    expect(row.classes()).not.toContain('icons');
  });
});
