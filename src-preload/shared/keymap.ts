/**
 * THE keymap: every keyboard shortcut, defined once. Main builds the native
 * menu's accelerators from it, the renderer matches key events against it and
 * the shortcut sheet lists it. It is UI logic, not part of the IPC contract:
 * nothing here crosses IPC. Imports nothing, so main and the renderer can both use it.
 *
 * `keys` are Electron accelerators with `CmdOrCtrl` already resolved: `Cmd` on
 * macOS, `Ctrl` elsewhere ("Mod" below).
 */

/** Every command a shortcut can trigger. */
export type CommandId =
  | 'chat.send'
  | 'chat.newline'
  | 'chat.stop'
  | 'conversation.new'
  | 'palette.open'
  | 'history.search'
  | 'reply.copyLast'
  | 'code.copyLast'
  | 'message.editLast'
  | 'reply.regenerate'
  | 'conversation.next'
  | 'conversation.previous'
  | `conversation.pinned${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`
  | 'settings.open'
  | 'shortcuts.open'
  | 'composer.focus'
  | 'conversation.rename'
  | 'conversation.delete'
  | 'conversation.menu'
  | 'inspector.open'
  | 'inspector.openFile'
  | 'conversation.pin'
  | 'conversation.exportMarkdown'
  | 'conversation.exportJson'
  | 'conversation.settings'
  | 'history.import'
  | 'settings.providers'
  | 'appearance.toggleTheme'
  | 'sidebar.toggle'
  | 'reply.previousVersion'
  | 'reply.nextVersion'
  | 'message.copy'
  | 'message.edit'
  | 'message.delete'
  | 'app.quickAsk';

/** `mac` is macOS; `other` is Windows and Linux. */
export type KeymapPlatform = 'mac' | 'other';

/** The keymap's platform for a Node/Electron platform name (`process.platform`, `AppInfo.platform`). */
export function keymapPlatform(platform: string): KeymapPlatform {
  return platform === 'darwin' ? 'mac' : 'other';
}

/**
 * Where a binding applies: `global` anywhere in the window, `composer` while the
 * message box has focus, `list` while the conversation list has focus, `message`
 * while a message's actions have focus (the message the key acts on).
 */
export type KeymapScope = 'global' | 'composer' | 'list' | 'message';

/** Section of the shortcut sheet. */
export type KeymapGroup = 'chat' | 'navigation' | 'conversation' | 'app';

/** Native menu a command appears in. */
export type MenuSection = 'file' | 'edit' | 'view' | 'window' | 'help';

/** One shortcut. */
export interface KeyBinding {
  readonly id: CommandId;
  /** i18n key of the command's name. */
  readonly label: string;
  /** What the name's placeholders stand for: which of the nine pinned conversations. */
  readonly labelValues?: { readonly n: number };
  readonly group: KeymapGroup;
  readonly scope: KeymapScope;
  /** Electron accelerators per platform. */
  readonly keys: { readonly mac: string; readonly other: string };
  /** Present when the command belongs in the native menu (global commands only). */
  readonly menu?: { readonly section: MenuSection };
  /**
   * Registered OS-wide by main (globalShortcut), so it works while another app
   * has focus; never matched inside the window.
   */
  readonly system?: true;
}

/** The subset of a KeyboardEvent the matcher reads. */
export interface KeyEventLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  isComposing?: boolean;
}

const mod = (key: string) => ({ mac: `Cmd+${key}`, other: `Ctrl+${key}` });
const same = (accelerator: string) => ({ mac: accelerator, other: accelerator });

function binding(
  id: CommandId,
  group: KeymapGroup,
  scope: KeymapScope,
  keys: KeyBinding['keys'],
  extra: Partial<Pick<KeyBinding, 'menu' | 'system' | 'label' | 'labelValues'>> = {},
): KeyBinding {
  return { id, group, scope, keys, ...extra, label: extra.label ?? `shortcuts.${id}` };
}

const PINNED = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

/** Every binding. Ids are unique; the tests check that no two overlap. */
export const KEYMAP: readonly KeyBinding[] = Object.freeze([
  binding('chat.send', 'chat', 'composer', same('Enter')),
  binding('chat.newline', 'chat', 'composer', same('Shift+Enter')),
  binding('chat.stop', 'chat', 'global', same('Esc')),
  // Only when the composer is empty; the composer decides, the keymap only names the key.
  binding('message.editLast', 'chat', 'composer', same('Up')),
  // Mod+Shift+R is force-reload (Electron's menu role and Chrome), Mod+R plain
  // reload. Mod+Alt+R is free on all three systems; on Windows, Ctrl+Alt is also
  // AltGr, so the matcher ignores it when it typed a character (see below).
  binding('reply.regenerate', 'chat', 'global', mod('Alt+R'), { menu: { section: 'edit' } }),
  binding('reply.copyLast', 'chat', 'global', mod('Shift+C'), { menu: { section: 'edit' } }),
  // Matched on the physical key (code `Semicolon`): with Shift, US layouts report ':' and JIS '+'.
  binding('code.copyLast', 'chat', 'global', mod('Shift+;'), { menu: { section: 'edit' } }),
  binding('composer.focus', 'chat', 'global', same('Shift+Esc')),
  // The versions of the last reply. Alt with the arrows moves by word in text fields, so Mod is added.
  binding('reply.previousVersion', 'chat', 'global', mod('Alt+Left'), { menu: { section: 'edit' } }),
  binding('reply.nextVersion', 'chat', 'global', mod('Alt+Right'), { menu: { section: 'edit' } }),
  // A message whose actions have the focus: single keys, as in mail apps, since no text field is focused.
  binding('message.copy', 'chat', 'message', same('C')),
  binding('message.edit', 'chat', 'message', same('E')),
  binding('message.delete', 'chat', 'message', { mac: 'Backspace', other: 'Delete' }),

  binding('palette.open', 'navigation', 'global', mod('K'), { menu: { section: 'view' } }),
  binding('history.search', 'navigation', 'global', mod('F'), { menu: { section: 'edit' } }),
  // Ctrl on every platform, as in browsers: Cmd+Tab is the macOS app switcher.
  binding('conversation.next', 'navigation', 'global', same('Ctrl+Tab'), { menu: { section: 'window' } }),
  binding('conversation.previous', 'navigation', 'global', same('Ctrl+Shift+Tab'), { menu: { section: 'window' } }),
  ...PINNED.map((n) =>
    binding(`conversation.pinned${n}`, 'navigation', 'global', mod(String(n)), {
      menu: { section: 'window' },
      label: 'shortcuts.conversation.pinned',
      labelValues: { n },
    }),
  ),

  binding('conversation.new', 'conversation', 'global', mod('N'), { menu: { section: 'file' } }),
  binding('conversation.rename', 'conversation', 'list', same('F2')),
  // List only: in a text field Cmd+Backspace deletes to the line start, so this
  // must never be a menu accelerator (those fire whatever has focus).
  binding('conversation.delete', 'conversation', 'list', mod('Backspace')),
  // The row's menu, as in file managers; the list also takes the ContextMenu key (no accelerator spells it).
  binding('conversation.menu', 'conversation', 'list', same('Shift+F10')),
  binding('conversation.pin', 'conversation', 'global', mod('Shift+P'), { menu: { section: 'file' } }),
  binding('conversation.settings', 'conversation', 'global', mod('Shift+S'), { menu: { section: 'view' } }),
  binding('conversation.exportMarkdown', 'conversation', 'global', mod('Shift+E'), { menu: { section: 'file' } }),
  binding('conversation.exportJson', 'conversation', 'global', mod('Alt+E'), { menu: { section: 'file' } }),
  binding('history.import', 'conversation', 'global', mod('Shift+O'), { menu: { section: 'file' } }),

  // On macOS main moves Settings into the application menu.
  binding('settings.open', 'app', 'global', mod(','), { menu: { section: 'file' } }),
  binding('shortcuts.open', 'app', 'global', mod('/'), { menu: { section: 'help' } }),
  binding('inspector.open', 'app', 'global', mod('I'), { menu: { section: 'view' } }),
  binding('inspector.openFile', 'app', 'global', mod('O'), { menu: { section: 'file' } }),
  binding('settings.providers', 'app', 'global', mod('Alt+P'), { menu: { section: 'file' } }),
  binding('appearance.toggleTheme', 'app', 'global', mod('Shift+L'), { menu: { section: 'view' } }),
  binding('sidebar.toggle', 'app', 'global', mod('B'), { menu: { section: 'view' } }),
  binding('app.quickAsk', 'app', 'global', mod('Shift+Space'), { system: true }),
]);

const BY_ID = new Map(KEYMAP.map((entry) => [entry.id, entry]));

/** The accelerator of `id` on `platform`, for a menu item or globalShortcut. */
export function acceleratorFor(id: CommandId, platform: KeymapPlatform): string {
  const entry = BY_ID.get(id);
  if (!entry) throw new Error(`unknown command: ${id}`);
  return entry.keys[platform];
}

interface ParsedAccelerator {
  ctrl: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
  key: string;
}

const MODIFIER_ALIASES: Record<string, 'ctrl' | 'meta' | 'alt' | 'shift' | 'mod'> = {
  ctrl: 'ctrl',
  control: 'ctrl',
  cmd: 'meta',
  command: 'meta',
  super: 'meta',
  meta: 'meta',
  alt: 'alt',
  option: 'alt',
  shift: 'shift',
  cmdorctrl: 'mod',
  commandorcontrol: 'mod',
};

const KEY_ALIASES: Record<string, string> = { return: 'Enter', escape: 'Esc', plus: '+' };

/** Splits an accelerator into modifiers and key (`Cmd+Shift+;` → meta, shift, `;`). */
function parseAccelerator(accelerator: string, platform: KeymapPlatform): ParsedAccelerator {
  const parsed: ParsedAccelerator = { ctrl: false, meta: false, alt: false, shift: false, key: '' };
  // A trailing '+' would be the key itself; Electron spells it "Plus", so split plainly.
  const parts = accelerator.split('+');
  for (const part of parts.slice(0, -1)) {
    const modifier = MODIFIER_ALIASES[part.toLowerCase()];
    if (!modifier) throw new Error(`bad modifier in accelerator: ${accelerator}`);
    if (modifier === 'mod') parsed[platform === 'mac' ? 'meta' : 'ctrl'] = true;
    else parsed[modifier] = true;
  }
  const key = parts.at(-1) ?? '';
  parsed.key = KEY_ALIASES[key.toLowerCase()] ?? key;
  return parsed;
}

const PUNCTUATION_CODES: Record<string, string> = {
  ';': 'Semicolon',
  ',': 'Comma',
  '.': 'Period',
  '/': 'Slash',
  '\\': 'Backslash',
  '-': 'Minus',
  '=': 'Equal',
  '[': 'BracketLeft',
  ']': 'BracketRight',
  "'": 'Quote',
  '`': 'Backquote',
};

const NAMED_KEYS: Record<string, { keys: string[]; codes: string[] }> = {
  Enter: { keys: ['Enter'], codes: ['Enter', 'NumpadEnter'] },
  Esc: { keys: ['Escape', 'Esc'], codes: ['Escape'] },
  Tab: { keys: ['Tab'], codes: ['Tab'] },
  Backspace: { keys: ['Backspace'], codes: ['Backspace'] },
  Delete: { keys: ['Delete'], codes: ['Delete'] },
  Space: { keys: [' ', 'Spacebar'], codes: ['Space'] },
  Up: { keys: ['ArrowUp'], codes: ['ArrowUp'] },
  Down: { keys: ['ArrowDown'], codes: ['ArrowDown'] },
  Left: { keys: ['ArrowLeft'], codes: ['ArrowLeft'] },
  Right: { keys: ['ArrowRight'], codes: ['ArrowRight'] },
};

/** Does the pressed key (ignoring modifiers) equal the accelerator's key? */
function keyMatches(key: string, event: KeyEventLike, platform: KeymapPlatform): boolean {
  if (/^[A-Z]$/i.test(key)) {
    const letter = key.toUpperCase();
    // The letter as typed, like native menus; if the layout types no Latin
    // letter (Cyrillic, kana, Option on macOS) fall back to the physical key.
    if (/^[a-z]$/i.test(event.key)) {
      return event.key.toUpperCase() === letter;
    }
    // Ctrl+Alt on Windows/Linux is AltGr, which types characters: never a shortcut then.
    if (platform === 'other' && event.ctrlKey && event.altKey && event.key.length === 1) return false;
    return event.code === `Key${letter}`;
  }
  // Digits by physical key: AZERTY types '&' for Digit1 without Shift.
  if (/^[0-9]$/.test(key)) return event.code === `Digit${key}` || event.code === `Numpad${key}`;
  const punctuation = PUNCTUATION_CODES[key];
  if (punctuation) return event.code === punctuation || (!event.shiftKey && event.key === key);
  if (/^F([1-9]|1[0-9]|2[0-4])$/.test(key)) return event.key === key || event.code === key;
  const named = NAMED_KEYS[key];
  if (named) return named.keys.includes(event.key) || named.codes.includes(event.code);
  return event.key === key;
}

const PARSED = new Map<KeymapPlatform, { entry: KeyBinding; accelerator: ParsedAccelerator }[]>(
  (['mac', 'other'] as const).map((platform) => [
    platform,
    KEYMAP.filter((entry) => !entry.system).map((entry) => ({
      entry,
      accelerator: parseAccelerator(entry.keys[platform], platform),
    })),
  ]),
);

/**
 * The command a key event triggers in `scope` (global bindings always apply;
 * omit `scope` for global ones only), or null. Nothing matches while an IME is
 * composing: Enter then confirms the conversion, it must not send.
 */
export function matchKeyEvent(
  event: KeyEventLike,
  platform: KeymapPlatform,
  scope: KeymapScope = 'global',
): CommandId | null {
  if (event.isComposing || event.key === 'Process') return null;
  for (const { entry, accelerator } of PARSED.get(platform) ?? []) {
    if (entry.scope !== 'global' && entry.scope !== scope) continue;
    if (
      accelerator.ctrl !== event.ctrlKey ||
      accelerator.meta !== event.metaKey ||
      accelerator.alt !== event.altKey ||
      accelerator.shift !== event.shiftKey
    ) {
      continue;
    }
    if (keyMatches(accelerator.key, event, platform)) return entry.id;
  }
  return null;
}

const MAC_SYMBOLS: Record<string, string> = {
  Enter: '↩',
  Esc: '⎋',
  Tab: '⇥',
  Backspace: '⌫',
  Delete: '⌦',
  Space: 'Space',
  Up: '↑',
  Down: '↓',
  Left: '←',
  Right: '→',
};

/**
 * An accelerator for display: macOS symbols in Apple's order (⌃⌥⇧⌘, so
 * `Cmd+Shift+C` is ⇧⌘C as in native menus), `Ctrl+Shift+C` elsewhere.
 */
export function formatAccelerator(accelerator: string, platform: KeymapPlatform): string {
  const parsed = parseAccelerator(accelerator, platform);
  const key = parsed.key.length === 1 ? parsed.key.toUpperCase() : parsed.key;
  if (platform === 'mac') {
    const modifiers = `${parsed.ctrl ? '⌃' : ''}${parsed.alt ? '⌥' : ''}${parsed.shift ? '⇧' : ''}${parsed.meta ? '⌘' : ''}`;
    return modifiers + (MAC_SYMBOLS[key] ?? key);
  }
  const modifiers = [parsed.ctrl && 'Ctrl', parsed.alt && 'Alt', parsed.shift && 'Shift', parsed.meta && 'Super'];
  return [...modifiers.filter((m): m is string => Boolean(m)), key].join('+');
}

const CODE_KEYS: Record<string, string> = {
  Space: 'Space',
  Enter: 'Enter',
  NumpadEnter: 'Enter',
  Tab: 'Tab',
  Backspace: 'Backspace',
  Delete: 'Delete',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  ...Object.fromEntries(Object.entries(PUNCTUATION_CODES).map(([key, code]) => [code, key])),
};

/**
 * The accelerator a key press spells, for recording a shortcut: by physical key, so the same keys
 * are recorded on any layout; null while only modifiers are held, or without Ctrl, Alt or Cmd (a
 * system-wide shortcut of Shift and a letter would swallow typing).
 */
export function acceleratorFromKeyEvent(event: KeyEventLike, platform: KeymapPlatform): string | null {
  const code = event.code;
  let key: string | undefined;
  if (/^Key[A-Z]$/.test(code)) key = code.slice(3);
  else if (/^(Digit|Numpad)[0-9]$/.test(code)) key = code.slice(-1);
  else if (/^F([1-9]|1[0-9]|2[0-4])$/.test(code)) key = code;
  else key = CODE_KEYS[code];
  if (!key || !(event.ctrlKey || event.altKey || event.metaKey)) return null;
  const modifiers =
    platform === 'mac'
      ? [event.ctrlKey && 'Control', event.altKey && 'Alt', event.shiftKey && 'Shift', event.metaKey && 'Command']
      : [event.ctrlKey && 'Control', event.altKey && 'Alt', event.shiftKey && 'Shift', event.metaKey && 'Super'];
  return [...modifiers.filter((modifier): modifier is string => Boolean(modifier)), key].join('+');
}

/** The app's own command that a key press already runs in the window, in any scope; null when none. */
export function commandOfKeyEvent(event: KeyEventLike, platform: KeymapPlatform): CommandId | null {
  for (const scope of ['global', 'composer', 'list'] as const) {
    const command = matchKeyEvent(event, platform, scope);
    // The quick-ask shortcut itself is system-wide, not matched in the window.
    if (command && command !== 'app.quickAsk') return command;
  }
  return null;
}
