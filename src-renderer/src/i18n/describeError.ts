/**
 * Says a failure in the UI language. Main sends a code and facts (see `ErrorFacts`); the sentence is
 * composed here, so a Japanese window never shows main's English. The server's own words are returned
 * apart, to be shown quoted and untranslated; codes are never part of the text.
 */
import { useI18n, type Composer } from 'vue-i18n';
import type { NagareErrorShape } from '../../../src-preload/contract';
import { errorShapeOf } from '../ipc/nagare';

/** A failure in words: a title, what happened or what to do, and the server's own words if it sent any. */
export interface DescribedError {
  title: string;
  body: string;
  /** The server's words, untranslated; null when it said nothing readable. */
  serverMessage: string | null;
  /** The catalogue key of what introduces them: the server said, or what is wrong in a file. */
  saidBy: 'errors.serverSaid' | 'errors.fileSaid';
}

type Translate = Composer['t'];

/** The title, body and server words of a failure, in the catalogue's language. */
export function describeError(shape: NagareErrorShape, t: Translate): DescribedError {
  const host = shape.host || t('errors.theServer');
  const limit =
    shape.limitSeconds === undefined ? '' : t('errors.seconds', { n: shape.limitSeconds }, shape.limitSeconds);
  const facts = { host, provider: shape.provider ?? '', file: shape.file ?? '', limit };
  const body = shape.reason ? t(`errors.reasons.${shape.reason}`, facts) : t(`errors.${shape.code}.body`, facts);
  const title = t(`errors.${shape.code}.title`);
  return {
    title: shape.status === undefined ? title : t('errors.withStatus', { title, status: shape.status }),
    body,
    serverMessage: shape.serverMessage?.trim() || null,
    saidBy: shape.file === undefined ? 'errors.serverSaid' : 'errors.fileSaid',
  };
}

/** One line for a toast or a form: title, body, and the server's words in quotes. */
export function errorSentence(shape: NagareErrorShape, t: Translate): string {
  const { title, body, serverMessage, saidBy } = describeError(shape, t);
  const said = serverMessage ? ` ${t(saidBy)} ${t('errors.quoted', { text: serverMessage })}` : '';
  return `${t('errors.sentence', { title, body })}${said}`;
}

/**
 * Why the system keychain cannot be used, and how to fix it on this platform (`process.platform` names),
 * for Settings. Without a known reason only the fix is said.
 */
export function keychainProblemText(problem: NagareErrorShape, platform: string, t: Translate): string {
  const fix = t(`errors.keychainFix.${platform === 'darwin' ? 'mac' : platform === 'win32' ? 'windows' : 'linux'}`);
  return problem.reason ? t('errors.keychainProblem', { what: t(`errors.reasons.${problem.reason}`), fix }) : fix;
}

/** The start-up notice when the history cannot be opened: what stands in the way, by its reason. */
export function storageProblemText(problem: NagareErrorShape, t: Translate): string {
  return t('toast.storageProblem', { reason: describeError(problem, t).body });
}

/** For components: any thrown value as one line in the UI language. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useI18n();
  return (error) => errorSentence(errorShapeOf(error), t);
}
