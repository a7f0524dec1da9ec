/**
 * The figures of a finished reply as a short line: tokens, tokens per second and time to first
 * token, from what main saved with the message, so they are right for every reply, in every
 * conversation, after a restart.
 */
import { useI18n } from 'vue-i18n';
import type { MessageView } from '../../../src-preload/contract';

/** Figures of one reply; absent when unknown. */
export interface ReplyFigures {
  tokens?: number;
  /** The token count was estimated from the text: the server sent none. */
  estimated: boolean;
  tokensPerSecond?: number;
  timeToFirstTokenMs?: number;
}

/** What a saved reply says about itself; null for a message with nothing to show. */
export function figuresOf(message: MessageView): ReplyFigures | null {
  if (message.role !== 'assistant' || message.status === 'streaming') return null;
  const tokens = message.usage?.completionTokens;
  const ttft = message.timeToFirstTokenMs ?? undefined;
  const writingMs = message.durationMs !== null && ttft !== undefined ? message.durationMs - ttft : null;
  const figures: ReplyFigures = { estimated: message.usage?.estimated === true };
  if (tokens !== undefined) figures.tokens = tokens;
  if (tokens !== undefined && writingMs !== null && writingMs > 0)
    figures.tokensPerSecond = tokens / (writingMs / 1000);
  if (ttft !== undefined) figures.timeToFirstTokenMs = ttft;
  return figures.tokens === undefined && ttft === undefined ? null : figures;
}

export function useReplyFigures() {
  const { t, n } = useI18n();

  /** "123 tokens · 45 tokens/s · first token 310 ms", in the UI's language. */
  function describe(figures: ReplyFigures | null): string {
    if (!figures) return '';
    const parts: string[] = [];
    if (figures.tokens !== undefined) {
      const count = t('status.tokens', { n: n(figures.tokens, 'integer') }, figures.tokens);
      parts.push(figures.estimated ? `≈${count}` : count);
    }
    if (figures.tokensPerSecond)
      parts.push(t('status.speed', { n: n(Math.round(figures.tokensPerSecond), 'integer') }));
    if (figures.timeToFirstTokenMs !== undefined) {
      parts.push(t('status.ttft', { n: n(Math.round(figures.timeToFirstTokenMs), 'integer') }));
    }
    return parts.join(' · ');
  }

  return { describe };
}
