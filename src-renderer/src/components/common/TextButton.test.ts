// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import TextButton from './TextButton.vue';

describe('TextButton', () => {
  it('never submits a form and draws the look it is given', () => {
    const button = mount(TextButton, { props: { label: 'Save', look: 'primary', small: true } });
    const element = button.get('button');
    expect(element.attributes('type')).toBe('button');
    expect(element.classes()).toEqual(expect.arrayContaining(['button', 'primary', 'small']));
    expect(element.text()).toBe('Save');
  });

  it('submits its form only when told to', async () => {
    const onSubmit = vi.fn((event: Event) => event.preventDefault());
    const form = mount(
      {
        components: { TextButton },
        template: '<form @submit="onSubmit"><TextButton label="Save" submits /><TextButton label="Other" /></form>',
        setup: () => ({ onSubmit }),
      },
      { attachTo: document.body },
    );
    const [save, other] = form.findAll('button');
    expect(save!.attributes('type')).toBe('submit');
    expect(other!.attributes('type')).toBe('button');
    (other!.element as HTMLButtonElement).click();
    expect(onSubmit).not.toHaveBeenCalled();
    (save!.element as HTMLButtonElement).click();
    expect(onSubmit).toHaveBeenCalledOnce();
    form.unmount();
  });

  it('passes attributes and listeners through to the button', async () => {
    const onClick = vi.fn();
    const button = mount(TextButton, {
      props: { label: 'Remove' },
      attrs: { 'data-testid': 'remove', disabled: false, onClick },
    });
    await button.get('[data-testid="remove"]').trigger('click');
    expect(onClick).toHaveBeenCalledOnce();
    expect(button.get('button').classes()).not.toContain('small');
  });

  it('shows its content instead of the label when given some', () => {
    const button = mount(TextButton, { slots: { default: '<b>Open</b>' } });
    expect(button.get('b').text()).toBe('Open');
  });
});
