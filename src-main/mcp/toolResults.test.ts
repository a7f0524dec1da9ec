import { describe, expect, it } from 'vitest';
import { minimalEnvironment } from './minimalEnvironment';
import { capOutput, parseArguments, resultText } from './toolResults';

describe('capOutput', () => {
  it('keeps a result within the cap as it is', () => {
    expect(capOutput('流れ', 2)).toEqual({ text: '流れ', truncated: false });
  });

  it('cuts a longer one and says how much was left out', () => {
    expect(capOutput('abcdef', 4)).toEqual({ text: 'abcd\n[… 2 more characters cut by Nagare]', truncated: true });
  });

  it('never cuts an emoji in half', () => {
    const { text } = capOutput('ab🌊cd', 3);
    expect(text.startsWith('ab\n')).toBe(true);
    expect(text).toContain('4 more characters');
  });
});

describe('resultText', () => {
  it('joins text parts and names the others', () => {
    expect(
      resultText({
        content: [
          { type: 'text', text: 'one' },
          { type: 'image', data: 'xx', mimeType: 'image/png' },
          { type: 'resource', resource: { uri: 'file:///a', text: 'two' } },
        ],
      }),
    ).toBe('one\n[image]\ntwo');
  });

  it('uses structured content when there is no content', () => {
    expect(resultText({ structuredContent: { a: 1 } })).toBe('{"a":1}');
  });

  it('calls content it cannot read malformed', () => {
    expect(() => resultText({ content: 'text' })).toThrow(expect.objectContaining({ code: 'tool_malformed' }));
    expect(() => resultText({ content: [null] })).toThrow(expect.objectContaining({ code: 'tool_malformed' }));
  });
});

describe('parseArguments', () => {
  it('reads an object, and empty text as no arguments', () => {
    expect(parseArguments('{"q":"川"}')).toEqual({ q: '川' });
    expect(parseArguments('  ')).toEqual({});
  });

  it('refuses text that is not JSON, and JSON that is not an object', () => {
    expect(() => parseArguments('{"q": "cut')).toThrow(expect.objectContaining({ code: 'tool_bad_arguments' }));
    expect(() => parseArguments('[1]')).toThrow(expect.objectContaining({ code: 'tool_bad_arguments' }));
  });
});

describe('minimalEnvironment', () => {
  const app = {
    PATH: '/usr/bin',
    HOME: '/home/a',
    LANG: 'ja_JP.UTF-8',
    LC_ALL: 'ja_JP.UTF-8',
    OPENAI_API_KEY: 'sk-secret',
    AWS_SECRET_ACCESS_KEY: 'secret',
    SHELL: '/bin/bash',
    BASH_FUNC_x: '() { :; }',
  };

  it('passes PATH, HOME and the locale, then what the user set, and nothing else', () => {
    expect(minimalEnvironment(app, { TOKEN: 'mine', PATH: '/opt/bin' }, 'linux')).toEqual({
      PATH: '/opt/bin',
      HOME: '/home/a',
      LANG: 'ja_JP.UTF-8',
      LC_ALL: 'ja_JP.UTF-8',
      TOKEN: 'mine',
    });
  });

  it('never passes an exported shell function', () => {
    expect(minimalEnvironment({ PATH: '() { :; }; echo' }, {}, 'linux')).toEqual({});
  });

  it('finds Windows variables whatever their case, and adds what Windows needs to start a program', () => {
    const env = minimalEnvironment({ Path: 'C:\\bin', SystemRoot: 'C:\\Windows', OPENAI_API_KEY: 'k' }, {}, 'win32');
    expect(env).toEqual({ PATH: 'C:\\bin', SYSTEMROOT: 'C:\\Windows' });
  });
});
