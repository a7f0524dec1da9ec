/**
 * The application menu as plain data. Accelerators come from the one keymap,
 * so the menu, the shortcut sheet and the window's key handling agree. Pure:
 * the Electron adapter turns the template into a Menu.
 */
import {
  acceleratorFor,
  KEYMAP,
  keymapPlatform,
  type CommandId,
  type MenuSection,
} from '../../src-preload/shared/keymap';

/** The subset of Electron's MenuItemConstructorOptions this menu uses. */
export interface MenuItemTemplate {
  label?: string;
  role?: string;
  type?: 'separator' | 'submenu' | 'normal';
  accelerator?: string;
  /**
   * False: the accelerator is shown but the window's own key handling runs the
   * command, so it works the same in text fields and is never run twice.
   */
  registerAccelerator?: boolean;
  /** The renderer command this item runs. */
  command?: string;
  /** A main-side action. */
  action?: 'checkForUpdates' | 'showLogs' | 'quickAsk';
  submenu?: MenuItemTemplate[];
}

export type MenuPlatform = 'darwin' | 'win32' | 'linux';
export type MenuLanguage = 'en' | 'ja';

const LABELS = {
  en: {
    file: 'File',
    edit: 'Edit',
    view: 'View',
    window: 'Window',
    help: 'Help',
    about: 'About Nagare',
    quickAsk: 'Quick Ask…',
    checkForUpdates: 'Check for Updates…',
    showLogs: 'Show Logs',
    commands: {
      'conversation.new': 'New Chat',
      'settings.open': 'Settings…',
      'reply.regenerate': 'Regenerate Reply',
      'reply.copyLast': 'Copy Last Reply',
      'code.copyLast': 'Copy Last Code Block',
      'history.search': 'Search All History…',
      'palette.open': 'Command Palette…',
      'inspector.open': 'Stream Inspector',
      'conversation.next': 'Next Conversation',
      'conversation.previous': 'Previous Conversation',
      'shortcuts.open': 'Keyboard Shortcuts',
      'reply.previousVersion': 'Previous Version of Reply',
      'reply.nextVersion': 'Next Version of Reply',
      'conversation.pin': 'Pin or Unpin Conversation',
      'conversation.settings': 'Conversation Settings',
      'conversation.exportMarkdown': 'Export as Markdown…',
      'conversation.exportJson': 'Export as Nagare JSON…',
      'history.import': 'Import Conversations…',
      'inspector.openFile': 'Open Saved Stream (.sse)…',
      'settings.providers': 'Providers and API Keys…',
      'appearance.toggleTheme': 'Switch Light and Dark',
      'sidebar.toggle': 'Show or Hide Sidebar',
      pinned: (n: string) => `Pinned Conversation ${n}`,
    },
  },
  ja: {
    file: 'ファイル',
    edit: '編集',
    view: '表示',
    window: 'ウインドウ',
    help: 'ヘルプ',
    about: 'Nagare について',
    quickAsk: 'クイック質問…',
    checkForUpdates: 'アップデートを確認…',
    showLogs: 'ログを表示',
    commands: {
      'conversation.new': '新しいチャット',
      'settings.open': '設定…',
      'reply.regenerate': '返答を再生成',
      'reply.copyLast': '最後の返答をコピー',
      'code.copyLast': '最後のコードブロックをコピー',
      'history.search': '履歴をすべて検索…',
      'palette.open': 'コマンドパレット…',
      'inspector.open': 'ストリームインスペクター',
      'conversation.next': '次の会話',
      'conversation.previous': '前の会話',
      'shortcuts.open': 'キーボードショートカット',
      'reply.previousVersion': '返答の前のバージョン',
      'reply.nextVersion': '返答の次のバージョン',
      'conversation.pin': '会話をピン留め / 解除',
      'conversation.settings': '会話の設定',
      'conversation.exportMarkdown': 'Markdown でエクスポート…',
      'conversation.exportJson': 'Nagare JSON でエクスポート…',
      'history.import': '会話をインポート…',
      'inspector.openFile': '保存したストリーム（.sse）を開く…',
      'settings.providers': 'プロバイダーと API キー…',
      'appearance.toggleTheme': 'ライト / ダークを切り替え',
      'sidebar.toggle': 'サイドバーの表示 / 非表示',
      pinned: (n: string) => `ピン留めした会話 ${n}`,
    },
  },
} as const;

export interface MenuOptions {
  platform: MenuPlatform;
  language: MenuLanguage;
  /** Packaged builds have no reload or developer tools. */
  isPackaged: boolean;
}

function label(language: MenuLanguage, id: CommandId): string {
  const commands = LABELS[language].commands;
  const pinned = /^conversation\.pinned(\d)$/.exec(id);
  if (pinned) return commands.pinned(pinned[1]!);
  return (commands as Record<string, string | ((n: string) => string)>)[id] as string;
}

/** The keymap's entries for one menu, as items that show their accelerator. */
function commandItems(section: MenuSection, options: MenuOptions): MenuItemTemplate[] {
  const platform = keymapPlatform(options.platform);
  return KEYMAP.filter(
    (entry) => entry.menu?.section === section && !(options.platform === 'darwin' && entry.id === 'settings.open'),
  ).map((entry) => ({
    label: label(options.language, entry.id),
    accelerator: acceleratorFor(entry.id, platform),
    registerAccelerator: false,
    command: entry.id,
  }));
}

const separator: MenuItemTemplate = { type: 'separator' };

export function buildMenuTemplate(options: MenuOptions): MenuItemTemplate[] {
  const text = LABELS[options.language];
  const mac = options.platform === 'darwin';
  const macPlatform = 'mac';

  const appMenu: MenuItemTemplate = {
    label: 'Nagare',
    submenu: [
      { role: 'about', label: text.about },
      separator,
      {
        label: label(options.language, 'settings.open'),
        accelerator: acceleratorFor('settings.open', macPlatform),
        registerAccelerator: false,
        command: 'settings.open',
      },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };

  const file: MenuItemTemplate = {
    label: text.file,
    submenu: [
      ...commandItems('file', options),
      { label: text.quickAsk, action: 'quickAsk' },
      separator,
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };

  const edit: MenuItemTemplate = {
    label: text.edit,
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' }] : []),
      { role: 'selectAll' },
      separator,
      ...commandItems('edit', options),
    ],
  };

  const view: MenuItemTemplate = {
    label: text.view,
    submenu: [
      ...commandItems('view', options),
      separator,
      ...(options.isPackaged ? [] : [{ role: 'reload' }, { role: 'toggleDevTools' }, separator]),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };

  const window: MenuItemTemplate = {
    label: text.window,
    submenu: [
      { role: 'minimize' },
      ...(mac ? [{ role: 'zoom' }, separator, { role: 'front' }] : [{ role: 'close' }]),
      separator,
      ...commandItems('window', options),
    ],
  };

  const help: MenuItemTemplate = {
    label: text.help,
    role: 'help',
    submenu: [
      ...commandItems('help', options),
      { label: text.showLogs, action: 'showLogs' },
      { label: text.checkForUpdates, action: 'checkForUpdates' },
      ...(mac ? [] : [separator, { role: 'about', label: text.about }]),
    ],
  };

  return [...(mac ? [appMenu] : []), file, edit, view, window, help];
}

/** Every item in a template, submenus included. */
export function flattenMenu(items: MenuItemTemplate[]): MenuItemTemplate[] {
  return items.flatMap((item) => [item, ...flattenMenu(item.submenu ?? [])]);
}
