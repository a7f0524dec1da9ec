/**
 * A saved raw stream (`.sse`): a valid `text/event-stream` body, so any SSE tool
 * reads it, with Nagare's metadata in comment lines that decoders ignore:
 * `: nagare-meta {json}` once at the top and `: nagare-at <ms>` before each entry.
 * Opening one runs the same decoder as a live reply.
 */
import type { RawStreamEntry, StreamLog } from '../../src-preload/contract/types';
import { createEventStreamDecoder } from '../streaming/eventStream';

const META = 'nagare-meta ';
const AT = 'nagare-at ';

/** One field per line; data with line breaks becomes several `data:` lines, as the format requires. */
function fieldLines(name: string, value: string): string[] {
  return value.split(/\r\n|\r|\n/).map((line) => `${name}: ${line}`);
}

export function serializeSseFile(log: StreamLog): string {
  const { entries, ...meta } = log;
  const lines = [`: ${META}${JSON.stringify(meta)}`, ''];
  for (const entry of entries) {
    lines.push(`: ${AT}${Math.round(entry.at)}`);
    if (entry.type === 'comment') {
      lines.push(...fieldLines(':', entry.data).map((line) => line.replace(/^:: /, ': ')));
      lines.push('');
      continue;
    }
    if (entry.type === 'error-body') {
      // An error body is not an event; it is kept as a named event so it survives the round trip.
      lines.push('event: nagare-error-body', ...fieldLines('data', entry.data), '');
      continue;
    }
    if (entry.event && entry.event !== 'message') lines.push(`event: ${entry.event}`);
    if (entry.id) lines.push(`id: ${entry.id}`);
    lines.push(...fieldLines('data', entry.data), '');
  }
  return `${lines.join('\n')}\n`;
}

/** Reads a `.sse` file, Nagare's or any other server-sent event stream, into a log for the inspector. */
export function parseSseFile(bytes: Uint8Array, fileName: string): StreamLog {
  let meta: Partial<Omit<StreamLog, 'entries'>> = {};
  let at: number | null = null;
  let order = 0;
  const entries: RawStreamEntry[] = [];
  const time = () => at ?? order++;
  const decoder = createEventStreamDecoder(
    (event) => {
      if (event.event === 'nagare-error-body')
        entries.push({ at: time(), type: 'error-body', event: '', id: '', data: event.data });
      else entries.push({ at: time(), type: 'event', event: event.event, id: event.id, data: event.data });
      at = null;
    },
    undefined,
    {
      onComment: (comment) => {
        if (comment.startsWith(META)) {
          try {
            meta = JSON.parse(comment.slice(META.length)) as typeof meta;
          } catch {
            meta = {};
          }
        } else if (comment.startsWith(AT)) {
          const value = Number(comment.slice(AT.length));
          at = Number.isFinite(value) ? value : null;
        } else {
          entries.push({ at: time(), type: 'comment', event: '', id: '', data: comment });
          at = null;
        }
      },
    },
  );
  decoder.push(bytes);
  decoder.end();
  return {
    request: meta.request ?? {
      providerName: fileName,
      url: '',
      model: '',
      parameters: {},
      messageCount: 0,
      body: '',
      headers: {},
    },
    response: meta.response ?? { status: null, headers: {} },
    metrics: meta.metrics ?? {},
    entries,
    truncated: meta.truncated ?? false,
    keyEnvVar: meta.keyEnvVar ?? 'OPENAI_API_KEY',
  };
}
