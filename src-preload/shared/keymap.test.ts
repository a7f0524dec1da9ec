import { describe, expect, it } from 'vitest';
import {
  acceleratorFromKeyEvent,
  commandOfKeyEvent,
  type CommandId,
  acceleratorFor,
  formatAccelerator,
  KEYMAP,
  keymapPlatform,
  matchKeyEvent,
  type KeyEventLike,
  type KeymapPlatform,
  type KeymapScope,
} from './keymap';

const PLATFORMS: KeymapPlatform[] = ['mac', 'other'];

const CODES: Record<string, { key: string; code: string }> = {
  Enter: { key: 'Enter', code: 'Enter' },
  Esc: { key: 'Escape', code: 'Escape' },
  Up: { key: 'ArrowUp', code: 'ArrowUp' },
  Tab: { key: 'Tab', code: 'Tab' },
  Backspace: { key: 'Backspace', code: 'Backspace' },
  Delete: { key: 'Delete', code: 'Delete' },
  Left: { key: 'ArrowLeft', code: 'ArrowLeft' },
  Right: { key: 'ArrowRight', code: 'ArrowRight' },
  Space: { key: ' ', code: 'Space' },
  F2: { key: 'F2', code: 'F2' },
  F10: { key: 'F10', code: 'F10' },
  ';': { key: ';', code: 'Semicolon' },
  ',': { key: ',', code: 'Comma' },
  '/': { key: '/', code: 'Slash' },
};

/** The event a US keyboard produces for an accelerator. */
function eventFor(accelerator: string): KeyEventLike {
  const parts = accelerator.split('+');
  const key = parts.at(-1)!;
  const has = (m: string) => parts.slice(0, -1).includes(m);
  const physical =
    CODES[key] ??
    (/^[0-9]$/.test(key) ? { key, code: `Digit${key}` } : { key: key.toLowerCase(), code: `Key${key.toUpperCase()}` });
  return {
    ...physical,
    ctrlKey: has('Ctrl'),
    metaKey: has('Cmd'),
    altKey: has('Alt'),
    shiftKey: has('Shift'),
  };
}

const base = { ctrlKey: false, metaKey: false, altKey: false, shiftKey: false };

function overlaps(a: KeymapScope, b: KeymapScope): boolean {
  return a === b || a === 'global' || b === 'global';
}

describe('keymap', () => {
  it('has unique ids and a label key for every entry', () => {
    expect(new Set(KEYMAP.map((e) => e.id)).size).toBe(KEYMAP.length);
    for (const entry of KEYMAP) expect(entry.label).toMatch(/^shortcuts\.[a-zA-Z0-9.]+$/);
  });

  it('binds the required shortcuts', () => {
    expect(acceleratorFor('chat.send', 'mac')).toBe('Enter');
    expect(acceleratorFor('chat.newline', 'other')).toBe('Shift+Enter');
    expect(acceleratorFor('conversation.new', 'mac')).toBe('Cmd+N');
    expect(acceleratorFor('conversation.new', 'other')).toBe('Ctrl+N');
    expect(acceleratorFor('code.copyLast', 'other')).toBe('Ctrl+Shift+;');
    expect(acceleratorFor('conversation.next', 'mac')).toBe('Ctrl+Tab');
    expect(acceleratorFor('conversation.pinned9', 'mac')).toBe('Cmd+9');
    expect(acceleratorFor('conversation.delete', 'mac')).toBe('Cmd+Backspace');
    expect(() => acceleratorFor('nope' as never, 'mac')).toThrow();
  });

  it('gives every action of the app a key on macOS, Windows and Linux, none taken twice or by the OS', () => {
    const actions: CommandId[] = [
      'conversation.pin',
      'conversation.exportMarkdown',
      'conversation.exportJson',
      'history.import',
      'settings.providers',
      'appearance.toggleTheme',
      'inspector.openFile',
      'reply.previousVersion',
      'reply.nextVersion',
      'conversation.settings',
      'message.edit',
      'message.delete',
      'message.copy',
    ];
    // Keys the OS, Chromium or Electron's own menu roles take before the page sees them.
    const reserved: Record<string, string[]> = {
      darwin: ['Cmd+Q', 'Cmd+W', 'Cmd+H', 'Cmd+M', 'Cmd+Tab', 'Cmd+Space', 'Cmd+Alt+I', 'Cmd+R', 'Cmd+Shift+R'],
      win32: ['Alt+F4', 'Ctrl+W', 'Ctrl+Shift+I', 'Ctrl+R', 'Ctrl+Shift+R', 'Ctrl+Alt+Delete', 'Ctrl+Esc'],
      linux: ['Ctrl+Q', 'Ctrl+W', 'Ctrl+Shift+I', 'Ctrl+R', 'Ctrl+Shift+R', 'Ctrl+Alt+Delete', 'Ctrl+Alt+T'],
    };
    for (const os of ['darwin', 'win32', 'linux'] as const) {
      const platform = keymapPlatform(os);
      const keys = new Map<string, string[]>();
      for (const entry of KEYMAP) {
        const accelerator = entry.keys[platform];
        expect(accelerator, `${os} ${entry.id}`).not.toBe('');
        expect(reserved[os], `${os} ${entry.id}`).not.toContain(accelerator);
        const scoped = `${entry.scope === 'global' ? '*' : entry.scope}:${accelerator.toLowerCase()}`;
        keys.set(scoped, [...(keys.get(scoped) ?? []), entry.id]);
      }
      const duplicates = [...keys.values()].filter((ids) => ids.length > 1);
      expect({ os, duplicates }).toEqual({ os, duplicates: [] });
      for (const id of actions) expect(acceleratorFor(id, platform), `${os} ${id}`).toBeTruthy();
    }
  });

  it('maps the OS name to the keymap platform', () => {
    expect(keymapPlatform('darwin')).toBe('mac');
    expect(keymapPlatform('win32')).toBe('other');
    expect(keymapPlatform('linux')).toBe('other');
  });

  it('avoids the reload accelerators for regenerate', () => {
    for (const platform of PLATFORMS) {
      expect(acceleratorFor('reply.regenerate', platform)).not.toMatch(/^(Cmd|Ctrl)(\+Shift)?\+R$/);
    }
  });

  for (const platform of PLATFORMS) {
    it(`${platform}: no two bindings collide in overlapping scopes`, () => {
      const seen: string[] = [];
      for (const [i, a] of KEYMAP.entries()) {
        for (const b of KEYMAP.slice(i + 1)) {
          if (overlaps(a.scope, b.scope) && a.keys[platform].toLowerCase() === b.keys[platform].toLowerCase()) {
            seen.push(`${a.id} / ${b.id}`);
          }
        }
      }
      expect(seen).toEqual([]);
    });

    it(`${platform}: every accelerator round-trips through matchKeyEvent`, () => {
      for (const entry of KEYMAP.filter((e) => !e.system)) {
        expect(matchKeyEvent(eventFor(entry.keys[platform]), platform, entry.scope), entry.id).toBe(entry.id);
      }
    });
  }

  it('puts only global, in-window commands in the native menu', () => {
    for (const entry of KEYMAP.filter((e) => e.menu)) {
      expect(entry.scope, entry.id).toBe('global');
      expect(entry.system, entry.id).toBeUndefined();
    }
  });

  it('never sends while an IME is composing', () => {
    const enter = { ...base, key: 'Enter', code: 'Enter' };
    expect(matchKeyEvent(enter, 'mac', 'composer')).toBe('chat.send');
    expect(matchKeyEvent({ ...enter, isComposing: true }, 'mac', 'composer')).toBeNull();
    expect(matchKeyEvent({ ...enter, isComposing: true }, 'other', 'composer')).toBeNull();
    // Chromium reports the IME's Enter as key "Process".
    expect(matchKeyEvent({ ...base, key: 'Process', code: 'Enter' }, 'other', 'composer')).toBeNull();
  });

  it('applies scoped bindings only in their scope', () => {
    const enter = { ...base, key: 'Enter', code: 'Enter' };
    expect(matchKeyEvent(enter, 'other')).toBeNull();
    expect(matchKeyEvent(enter, 'other', 'list')).toBeNull();
    expect(matchKeyEvent({ ...base, key: 'F2', code: 'F2' }, 'mac', 'composer')).toBeNull();
    expect(matchKeyEvent({ ...base, key: 'F2', code: 'F2' }, 'mac', 'list')).toBe('conversation.rename');
    expect(matchKeyEvent({ ...base, key: 'Escape', code: 'Escape' }, 'mac', 'list')).toBe('chat.stop');
  });

  it('matches punctuation and digits by physical key across layouts', () => {
    // US: Shift+; types ':'.
    expect(matchKeyEvent({ ...base, metaKey: true, shiftKey: true, key: ':', code: 'Semicolon' }, 'mac')).toBe(
      'code.copyLast',
    );
    // JIS: Shift+; types '+'.
    expect(matchKeyEvent({ ...base, ctrlKey: true, shiftKey: true, key: '+', code: 'Semicolon' }, 'other')).toBe(
      'code.copyLast',
    );
    // AZERTY: the 1 key types '&' without Shift.
    expect(matchKeyEvent({ ...base, ctrlKey: true, key: '&', code: 'Digit1' }, 'other')).toBe('conversation.pinned1');
    expect(matchKeyEvent({ ...base, metaKey: true, key: ',', code: 'Comma' }, 'mac')).toBe('settings.open');
  });

  it('matches letters as typed, and by physical key when no Latin letter is typed', () => {
    // Dvorak: the key typing 'k' sits where QWERTY has V.
    expect(matchKeyEvent({ ...base, metaKey: true, key: 'k', code: 'KeyV' }, 'mac')).toBe('palette.open');
    // Russian layout: Ctrl + the K key types 'л'.
    expect(matchKeyEvent({ ...base, ctrlKey: true, key: 'л', code: 'KeyK' }, 'other')).toBe('palette.open');
    // Japanese kana input: Cmd + the N key.
    expect(matchKeyEvent({ ...base, metaKey: true, key: 'み', code: 'KeyN' }, 'mac')).toBe('conversation.new');
    // macOS Option+R types '®'.
    expect(matchKeyEvent({ ...base, metaKey: true, altKey: true, key: '®', code: 'KeyR' }, 'mac')).toBe(
      'reply.regenerate',
    );
  });

  it('ignores AltGr (Ctrl+Alt) when it typed a character on Windows and Linux', () => {
    expect(matchKeyEvent({ ...base, ctrlKey: true, altKey: true, key: '¶', code: 'KeyR' }, 'other')).toBeNull();
    expect(matchKeyEvent({ ...base, ctrlKey: true, altKey: true, key: 'r', code: 'KeyR' }, 'other')).toBe(
      'reply.regenerate',
    );
  });

  it('requires the exact modifiers', () => {
    expect(matchKeyEvent({ ...base, ctrlKey: true, key: 'n', code: 'KeyN' }, 'mac')).toBeNull();
    expect(matchKeyEvent({ ...base, metaKey: true, shiftKey: true, key: 'N', code: 'KeyN' }, 'mac')).toBeNull();
    expect(matchKeyEvent({ ...base, key: 'Escape', code: 'Escape', shiftKey: true }, 'other')).toBe('composer.focus');
  });

  it('formats accelerators for display', () => {
    expect(formatAccelerator('Cmd+Shift+C', 'mac')).toBe('⇧⌘C');
    expect(formatAccelerator('Ctrl+Shift+C', 'other')).toBe('Ctrl+Shift+C');
    expect(formatAccelerator('Cmd+Alt+R', 'mac')).toBe('⌥⌘R');
    expect(formatAccelerator('Ctrl+Tab', 'mac')).toBe('⌃⇥');
    expect(formatAccelerator('CmdOrCtrl+K', 'other')).toBe('Ctrl+K');
    expect(formatAccelerator('Shift+Enter', 'mac')).toBe('⇧↩');
    expect(formatAccelerator('Cmd+Shift+;', 'mac')).toBe('⇧⌘;');
  });
});

describe('recording a shortcut', () => {
  const press = (code: string, modifiers: Partial<Record<'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey', boolean>>) => ({
    key: '',
    code,
    ctrlKey: false,
    altKey: false,
    shiftKey: false,
    metaKey: false,
    ...modifiers,
  });

  it('spells the physical keys as an accelerator, waiting while only modifiers are held', () => {
    expect(acceleratorFromKeyEvent(press('KeyK', { ctrlKey: true, altKey: true }), 'other')).toBe('Control+Alt+K');
    expect(acceleratorFromKeyEvent(press('Space', { metaKey: true, shiftKey: true }), 'mac')).toBe(
      'Shift+Command+Space',
    );
    expect(acceleratorFromKeyEvent(press('Digit1', { altKey: true }), 'other')).toBe('Alt+1');
    expect(acceleratorFromKeyEvent(press('ControlLeft', { ctrlKey: true }), 'other')).toBeNull();
    // Shift and a letter alone would swallow typing everywhere.
    expect(acceleratorFromKeyEvent(press('KeyA', { shiftKey: true }), 'other')).toBeNull();
  });

  it("names the app's own command a press already runs, but not the quick-ask shortcut itself", () => {
    expect(commandOfKeyEvent({ ...press('KeyN', { ctrlKey: true }), key: 'n' }, 'other')).toBe('conversation.new');
    expect(commandOfKeyEvent({ ...press('KeyJ', { ctrlKey: true, altKey: true }), key: 'j' }, 'other')).toBeNull();
    expect(commandOfKeyEvent({ ...press('Space', { ctrlKey: true, shiftKey: true }), key: ' ' }, 'other')).toBeNull();
  });
});
