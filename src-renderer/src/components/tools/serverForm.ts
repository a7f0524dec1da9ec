/** The text fields of a tool server's form, and their parsing into what `mcp.save` takes. */
import type { McpServerView } from '../../../../src-preload/contract';

/** The form as typed: arguments and variables one per line. */
export interface ServerForm {
  name: string;
  command: string;
  args: string;
  env: string;
  cwd: string;
}

/** An empty form, or one filled from a saved server. */
export function formOf(server: Pick<McpServerView, 'name' | 'command' | 'args' | 'env' | 'cwd'> | null): ServerForm {
  if (!server) return { name: '', command: '', args: '', env: '', cwd: '' };
  return {
    name: server.name,
    command: server.command,
    args: server.args.join('\n'),
    env: Object.entries(server.env)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
    cwd: server.cwd,
  };
}

/**
 * `NAME=value` lines as variables; blank lines are skipped. A line that is not a variable gives
 * its 1-based number instead, so the form can point at it.
 */
export function parseEnvironment(
  text: string,
): { ok: true; env: Record<string, string> } | { ok: false; badLine: number } {
  const env: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/u.exec(line);
    if (!match) return { ok: false, badLine: index + 1 };
    env[match[1]!] = match[2]!;
  }
  return { ok: true, env };
}

/** Arguments one per line, blank lines skipped; spaces inside a line are kept. */
export function parseArguments(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
