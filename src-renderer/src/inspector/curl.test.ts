import { describe, expect, it } from 'vitest';
import type { StreamLog } from '../../../src-preload/contract/types';
import { buildCurl, shellQuote } from './curl';

type CurlInput = Pick<StreamLog, 'keyEnvVar' | 'request'>;

function logOf(
  url: string,
  body: string,
  headers: Record<string, string> = {},
  keyEnvVar = 'OPENAI_API_KEY',
): CurlInput {
  return {
    keyEnvVar,
    request: { providerName: 'p', url, model: 'm', parameters: {}, messageCount: 1, body, headers },
  };
}

/**
 * What a POSIX shell makes of one word built from '…' strings and backslash escapes (the renderer has
 * no Node types, so no real shell here). Anything else, such as an unquoted space or `$`, is refused,
 * because the shell would split or expand it.
 */
function shellUnquote(word: string): string {
  let out = '';
  let index = 0;
  while (index < word.length) {
    const char = word[index]!;
    if (char === "'") {
      const close = word.indexOf("'", index + 1);
      if (close === -1) throw new Error(`Unterminated quote at ${index}`);
      out += word.slice(index + 1, close);
      index = close + 1;
    } else if (char === '\\' && index + 1 < word.length) {
      out += word[index + 1];
      index += 2;
    } else throw new Error(`The shell would not take "${char}" at ${index} literally`);
  }
  return out;
}

describe('shellQuote', () => {
  it('survives a round trip through POSIX quoting rules, quotes and all', () => {
    const tricky = `it's "quoted" $HOME \`cmd\` \\ back\nline 'two'`;
    expect(shellUnquote(shellQuote(tricky))).toBe(tricky);
    expect(() => shellUnquote(`'a'b`)).toThrow();
  });
});

describe('buildCurl', () => {
  it('sends a bearer token from the environment and streams without buffering', () => {
    const command = buildCurl(
      logOf('https://api.openai.com/v1/chat/completions', '{"model":"gpt"}', {
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
      }),
    );
    expect(command).toContain('--no-buffer');
    expect(command).toContain(`'https://api.openai.com/v1/chat/completions'`);
    expect(command).toContain('-H "Authorization: Bearer $OPENAI_API_KEY"');
    expect(command).toContain(`-H 'Content-Type: application/json'`);
    expect(command).toContain(`--data-raw '{"model":"gpt"}'`);
  });

  it("escapes a ' in the body so the shell passes it unchanged", () => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: "it's O'Reilly's" }] });
    const command = buildCurl(logOf('https://x.test/v1/chat/completions', body));
    expect(command).toContain(`'\\''s O'\\''Reilly'\\''s`);
    const quoted = command.slice(command.indexOf('--data-raw ') + '--data-raw '.length);
    expect(shellUnquote(quoted)).toBe(body);
  });

  it('uses an api-key header and the provider variable for Azure deployments', () => {
    const command = buildCurl(
      logOf(
        'https://r.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2024-10-21',
        '{}',
        {},
        'AZURE_OPENAI_API_KEY',
      ),
    );
    expect(command).toContain('-H "api-key: $AZURE_OPENAI_API_KEY"');
    expect(command).not.toContain('Authorization');
  });

  it('never copies a key, even if a secret header slipped into the log', () => {
    const command = buildCurl(
      logOf('https://x.test/v1/chat/completions', '{}', {
        Authorization: 'Bearer sk-leaked123',
        'api-key': 'sk-leaked456',
        'X-Title': 'Nagare',
      }),
    );
    expect(command).not.toContain('sk-');
    expect(command).toContain(`-H 'X-Title: Nagare'`);
  });

  it('falls back to a safe variable name when the configured one could be misread by the shell', () => {
    const command = buildCurl(logOf('https://x.test/v1/chat/completions', '{}', {}, '$(rm -rf ~)'));
    expect(command).toContain('$OPENAI_API_KEY');
    expect(command).not.toContain('rm -rf');
  });

  it('leaves authentication out for keyless servers when asked', () => {
    const command = buildCurl(logOf('http://127.0.0.1:11434/v1/chat/completions', '{}'), { auth: 'none' });
    expect(command).not.toMatch(/Authorization|api-key/);
  });
});
