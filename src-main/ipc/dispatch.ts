/**
 * The pure core of main's IPC: check the caller, validate the payload, call
 * the handler, and answer as data. No electron here, so it is unit-tested
 * with plain objects.
 */
import {
  invokeChannels,
  type InvokeChannel,
  type OutputOf,
  type ParsedInputOf,
  type Result,
} from '../../src-preload/contract';
import { expectedErrorShape, toErrorShape } from '../common/AppError';

/** What a handler knows about its caller: plain data, never an Electron object. */
export interface CallContext {
  windowId: number;
}

/** The caller as the adapter saw it, before it is trusted. */
export interface CallerInfo {
  windowId: number | null;
  frameUrl: string;
  isMainFrame: boolean;
}

/** One handler per channel: a missing or extra handler fails to compile. */
export type Handlers = {
  [C in InvokeChannel]: (input: ParsedInputOf<C>, context: CallContext) => Promise<OutputOf<C>> | OutputOf<C>;
};

export interface DispatchOptions {
  handlers: Handlers;
  /** True when the URL is the app's own page (not a remote or navigated-away document). */
  isAppUrl(url: string): boolean;
  onUnexpectedError(channel: string, error: unknown): void;
}

function isInvokeChannel(channel: string): channel is InvokeChannel {
  return Object.prototype.hasOwnProperty.call(invokeChannels, channel);
}

export function createDispatcher(options: DispatchOptions) {
  return async function dispatch(channel: string, rawInput: unknown, caller: CallerInfo): Promise<Result<unknown>> {
    if (caller.windowId === null || !caller.isMainFrame || !options.isAppUrl(caller.frameUrl)) {
      return { ok: false, error: { code: 'forbidden', message: 'This caller may not use Nagare’s API.' } };
    }
    if (!isInvokeChannel(channel)) {
      return {
        ok: false,
        error: { code: 'invalid_request', message: `Unknown operation “${String(channel).slice(0, 80)}”.` },
      };
    }
    const parsed = invokeChannels[channel].input.safeParse(rawInput);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      return {
        ok: false,
        error: {
          code: 'invalid_request',
          message: `Invalid input for ${channel}${where}: ${issue?.message ?? 'rejected'}.`,
        },
      };
    }
    try {
      const handler = options.handlers[channel] as (input: unknown, context: CallContext) => unknown;
      const value = await handler(parsed.data, { windowId: caller.windowId });
      return { ok: true, value: value ?? null };
    } catch (error) {
      if (!expectedErrorShape(error)) options.onUnexpectedError(channel, error);
      return { ok: false, error: toErrorShape(error) };
    }
  };
}
