/**
 * Other words people type for a command, in both UI languages, so the palette finds "テーマ", "theme"
 * or "dark" whichever language the window is in. Never shown; only matched.
 */
import en from '../../i18n/en';
import ja from '../../i18n/ja';

const SYNONYMS: Record<string, string> = {
  'appearance.toggleTheme': 'theme dark light mode appearance colour color テーマ ダーク ライト モード 外観 配色',
  'conversation.settings':
    'model system prompt temperature max tokens parameters モデル システムプロンプト 温度 パラメーター 設定',
  'reply.previousVersion': 'version branch alternative back バージョン 前 戻る 別の返答',
  'reply.nextVersion': 'version branch alternative forward バージョン 次 進む 別の返答',
  'settings.quickAsk': 'quick ask global hotkey shortcut クイック 質問 ショートカット ホットキー',
  'settings.providers': 'api key provider openai endpoint base url キー プロバイダー 接続',
  'settings.open': 'preferences options 環境設定 オプション',
  'history.import': 'chatgpt json load restore インポート 読み込み 取り込み',
  'conversation.exportMarkdown': 'save download markdown md 保存 書き出し',
  'conversation.exportJson': 'save download backup json 保存 書き出し バックアップ',
  'conversation.pin': 'favourite favorite star keep お気に入り 固定',
  'sidebar.toggle': 'sidebar panel collapse hide show list サイドバー 隠す 表示 折りたたみ',
  'conversation.new': 'new chat start 新規 開始',
  'inspector.open': 'debug raw sse stream デバッグ ストリーム',
  'inspector.openFile': 'sse file load open ファイル 開く',
  'shortcuts.open': 'keys keyboard hotkeys help キー ヘルプ',
  'reply.regenerate': 'retry again redo 再試行 やり直し',
};

type Tree = { [key: string]: string | Tree };

function lookUp(tree: Tree, path: string): string {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : '';
}

/** Everything a query may match for a command: its name in both languages and its synonyms. */
export function paletteSearchText(commandId: string, labelKey: string): string {
  return [lookUp(en as Tree, labelKey), lookUp(ja as Tree, labelKey), SYNONYMS[commandId] ?? ''].join(' ');
}
