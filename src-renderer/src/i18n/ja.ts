/** 日本語の UI テキスト。キーは en.ts と同じ構造です。 */
import type en from './en';

export default {
  app: { name: 'Nagare' },
  sidebar: {
    newChat: '新しいチャット',
    search: '履歴をすべて検索',
    conversations: '会話',
    empty: 'まだ会話はありません',
  },
  empty: {
    title: '会話を始めましょう',
    body: '下にメッセージを入力してください。返答は書かれるそばから流れてきます。Esc で止められます。',
  },
  composer: { label: 'メッセージ', placeholder: 'Nagare にメッセージを送信…', send: '送信', stop: '停止' },
} satisfies typeof en;
