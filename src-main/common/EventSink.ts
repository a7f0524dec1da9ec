/**
 * Typed pushes from main to windows. Services depend on this class, not on
 * Electron; the Electron adapter is the `WindowMessenger` that `ipc/` provides.
 */
import type { EventChannel, EventPayloads } from '../../src-preload/contract';

/** The adapter that actually delivers; answers false when the window is gone. */
export interface WindowMessenger {
  send(windowId: number, channel: string, payload: unknown): boolean;
  windowIds(): number[];
}

/** Sends typed events to windows through a `WindowMessenger`. */
export class EventSink {
  constructor(private readonly messenger: WindowMessenger) {}

  /** Sends to one window; false when that window no longer exists. */
  toWindow<E extends EventChannel>(windowId: number, channel: E, payload: EventPayloads[E]): boolean {
    return this.messenger.send(windowId, channel, payload);
  }

  /** Sends to every open window. */
  toAll<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void {
    for (const id of this.messenger.windowIds()) this.messenger.send(id, channel, payload);
  }

  /** Sends to every window but one, for events another window may show too (a quick-ask reply). */
  toOthers<E extends EventChannel>(exceptWindowId: number, channel: E, payload: EventPayloads[E]): void {
    for (const id of this.messenger.windowIds()) if (id !== exceptWindowId) this.messenger.send(id, channel, payload);
  }
}
