/**
 * English UI text: the catalogue every other language must match, key for key. The text is data in JSON
 * (the form vue-i18n and translation tools read), one file for the app and one per large screen, merged
 * here under `inspector`, `settings` and `tools`. Notes for translators that JSON cannot hold:
 * - `errors.keychainProblem` is what the keychain problem in Settings says: what happened, then this
 *   platform's fix.
 * - `settings.data.summaryJoin` goes between the two halves of the import summary: a space in English,
 *   nothing in Japanese.
 */
import app from './en.json';
import inspector from './inspector.en.json';
import settings from './settings.en.json';
import tools from './tools.en.json';

export default { ...app, inspector, settings, tools };
