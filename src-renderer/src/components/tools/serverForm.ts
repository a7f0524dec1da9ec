/** The text fields of a tool server's form, and their parsing into what `mcp.save` takes. */
import type { McpServerView } from '../../../../src-preload/contract';

/** The form as typed: arguments and variables one per line. */
export interface ServerForm {
  kind: 'local' | 'remote';
  name: string;
  command: string;
  url: string;
  /** `Name: value` lines; a saved header shows its name with no value, which keeps the stored one. */
  headers: string;
  args: string;
  env: string;
  cwd: string;
}

/** An empty form, or one filled from a saved server. */
export function formOf(
  server: Pick<McpServerView, 'name' | 'command' | 'url' | 'headerNames' | 'args' | 'env' | 'cwd'> | null,
): ServerForm {
  if (!server) return { kind: 'local', name: '', command: '', url: '', headers: '', args: '', env: '', cwd: '' };
  return {
    kind: server.url ? 'remote' : 'local',
    name: server.name,
    command: server.command,
    url: server.url,
    headers: server.headerNames.map((name) => `${name}:`).join('\n'),
    args: server.args.join('\n'),
    env: Object.entries(server.env)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
    cwd: server.cwd,
  };
}

/**
 * `name<separator>value` lines as a record, where `pattern` captures the name and the value; blank lines are
 * skipped. A line that does not match gives its 1-based number instead, so the form can point at it.
 */
function parsePairs(
  text: string,
  pattern: RegExp,
): { ok: true; pairs: Record<string, string> } | { ok: false; badLine: number } {
  const pairs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    const match = pattern.exec(line);
    if (!match) return { ok: false, badLine: index + 1 };
    pairs[match[1]!] = match[2]!;
  }
  return { ok: true, pairs };
}

/** `NAME=value` lines as variables; a line that is not a variable gives its 1-based number. */
export function parseEnvironment(
  text: string,
): { ok: true; env: Record<string, string> } | { ok: false; badLine: number } {
  const parsed = parsePairs(text, /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/u);
  return parsed.ok ? { ok: true, env: parsed.pairs } : parsed;
}

/** `Name: value` lines as headers; a line without a colon gives its number. */
export function parseHeaders(
  text: string,
): { ok: true; headers: Record<string, string> } | { ok: false; badLine: number } {
  const parsed = parsePairs(text, /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/u);
  return parsed.ok ? { ok: true, headers: parsed.pairs } : parsed;
}

/** Arguments one per line, blank lines skipped; spaces inside a line are kept. */
export function parseArguments(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
