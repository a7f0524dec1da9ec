/**
 * A saved raw stream (`.sse`): a valid `text/event-stream` body, so any SSE tool
 * reads it, with Nagare's metadata in comment lines that decoders ignore:
 * `: nagare-meta {json}` once at the top and `: nagare-at <ms>` before each entry.
 * Opening one runs the same decoder as a live reply.
 */
import { z } from 'zod';
import type { RawStreamEntry, StreamLog } from '../../src-preload/contract/types';
import { AppError } from '../common/AppError';
import { createEventStreamDecoder } from '../streaming/eventStream';

const META = 'nagare-meta ';
const AT = 'nagare-at ';

const headers = z.record(z.string(), z.string());
const optionalNumber = z.number().optional();

/**
 * What `: nagare-meta` may hold. A file from another tool has none, and an older Nagare may have
 * left a field out, so every part is optional; a part that is there must have the right type,
 * or the inspector would show (or break on) whatever a crafted file put there.
 */
const sseMetaSchema = z.object({
  request: z
    .object({
      providerName: z.string(),
      url: z.string(),
      model: z.string(),
      parameters: z.object({ temperature: optionalNumber, maxTokens: optionalNumber }),
      messageCount: z.number(),
      body: z.string(),
      headers,
      authStyle: z.enum(['bearer', 'api-key', 'none']).optional(),
    })
    .optional(),
  response: z.object({ status: z.number().nullable(), headers }).optional(),
  metrics: z
    .object({
      timeToFirstByteMs: optionalNumber,
      timeToFirstTokenMs: optionalNumber,
      durationMs: optionalNumber,
      tokens: optionalNumber,
      tokensPerSecond: optionalNumber,
    })
    .optional(),
  truncated: z.boolean().optional(),
  keyEnvVar: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional(),
});

type SseMeta = z.output<typeof sseMetaSchema>;

/** A file whose metadata cannot be used: code `import_invalid`, with what is wrong, for the inspector. */
function invalidFile(fileName: string, problem: string): AppError {
  return new AppError('import_invalid', `“${fileName}” is not a stream file Nagare can open: ${problem}`, {
    reason: 'not_stream_file',
    file: fileName,
    serverMessage: problem,
  });
}

function parseMeta(json: string, fileName: string): SseMeta {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalidFile(fileName, 'its nagare-meta line is not valid JSON.');
  }
  const parsed = sseMetaSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'the metadata'}: ${issue.message}`);
  throw invalidFile(fileName, `${problems.join('; ')}.`);
}

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

/**
 * Reads a `.sse` file, Nagare's or any other server-sent event stream, into a log for the inspector.
 * Throws {@link AppError} `import_invalid` when the file's Nagare metadata is malformed.
 */
export function parseSseFile(bytes: Uint8Array, fileName: string): StreamLog {
  let meta: SseMeta = {};
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
          meta = parseMeta(comment.slice(META.length), fileName);
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
