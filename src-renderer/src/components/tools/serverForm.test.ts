import { describe, expect, it } from 'vitest';
import { formOf, parseArguments, parseEnvironment, parseHeaders } from './serverForm';

describe('the tool server form', () => {
  it('reads NAME=value lines, keeping = and spaces in values, and skips blank lines', () => {
    expect(parseEnvironment('A=1\n\n  B_2=x=y z  \r\nbadLine=ok')).toEqual({
      ok: true,
      env: { A: '1', B_2: 'x=y z', badLine: 'ok' },
    });
  });

  it('points at the first line that is not a variable', () => {
    expect(parseEnvironment('A=1\nnot a variable\n2X=3')).toEqual({ ok: false, badLine: 2 });
  });

  it('takes one argument per line, spaces inside kept', () => {
    expect(parseArguments(' --root \n\n/My Files/日本語 \n')).toEqual(['--root', '/My Files/日本語']);
  });

  it('fills the form from a saved server and back', () => {
    const server = {
      name: 'Files',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem'],
      env: { ROOT: '/tmp', LANG: 'ja_JP.UTF-8' },
      cwd: '',
      url: '',
      headerNames: [],
    };
    const form = formOf(server);
    expect(parseArguments(form.args)).toEqual(server.args);
    expect(parseEnvironment(form.env)).toEqual({ ok: true, env: server.env });
  });

  it('reads Name: value headers, and shows a saved remote server’s header names with no values', () => {
    expect(parseHeaders('Authorization: Bearer a:b\n\nX-Team:  日本 ')).toEqual({
      ok: true,
      headers: { Authorization: 'Bearer a:b', 'X-Team': '日本' },
    });
    expect(parseHeaders('no colon here')).toEqual({ ok: false, badLine: 1 });
    const form = formOf({
      name: 'Remote',
      command: '',
      url: 'https://tools.example/mcp',
      headerNames: ['Authorization'],
      args: [],
      env: {},
      cwd: '',
    });
    expect(form).toMatchObject({ kind: 'remote', headers: 'Authorization:' });
    expect(parseHeaders(form.headers)).toEqual({ ok: true, headers: { Authorization: '' } });
  });
});
