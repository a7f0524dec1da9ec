/**
 * 日本語の UI テキスト。テキストは JSON にあり、キーは en.ts と同じ構造です。足りないキーは下の
 * `satisfies` がビルドで、余分なキーは messages.test.ts が型検査と実行時に見つけます。
 */
import type en from './en';
import app from './ja.json';
import inspector from './inspector.ja.json';
import settings from './settings.ja.json';
import tools from './tools.ja.json';

export default { ...app, inspector, settings, tools } satisfies typeof en;
