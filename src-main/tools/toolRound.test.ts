import { describe, expect, it } from 'vitest';
import type { OfferedTool } from '../mcp/McpService';
import { ToolApprovals, callsToAsk, functionTools, newToolStep } from './toolRound';

const offered: OfferedTool[] = [
  {
    serverId: 's1',
    serverName: 'One',
    toolName: 'lookup',
    functionName: 'lookup',
    description: 'Looks up',
    inputSchema: { type: 'object' },
  },
];

describe('a tool round', () => {
  it('matches calls to offered tools, and gives a call without an id one', () => {
    const step = newToolStep(
      'before',
      [
        { index: 0, id: '', name: 'lookup', arguments: '{}' },
        { index: 1, id: 'call_x', name: 'nope', arguments: '' },
      ],
      offered,
    );
    expect(step.calls).toEqual([
      { id: 'call_0', name: 'lookup', serverId: 's1', serverName: 'One', arguments: '{}', result: null },
      { id: 'call_x', name: 'nope', serverId: null, serverName: '', arguments: '', result: null },
    ]);
    // An unknown tool is never asked about: it gets an error at once.
    expect(callsToAsk(step, { isAlwaysAllowed: () => false }, offered)).toEqual(['call_0']);
    expect(callsToAsk(step, { isAlwaysAllowed: () => true }, offered)).toEqual([]);
  });

  it('offers tools in OpenAI’s format', () => {
    expect(functionTools(offered)).toEqual([
      { type: 'function', function: { name: 'lookup', description: 'Looks up', parameters: { type: 'object' } } },
    ]);
  });

  it('answers a waiting call once, and a stopped reply’s calls as cancelled', async () => {
    const approvals = new ToolApprovals();
    const controller = new AbortController();
    const first = approvals.wait('s', 'a', controller.signal);
    const second = approvals.wait('s', 'b', controller.signal);
    approvals.decide('s', 'a', 'always');
    expect(await first).toBe('always');
    expect(() => approvals.decide('s', 'a', 'run')).toThrow(/no longer waiting/);
    controller.abort();
    expect(await second).toBe('cancelled');
  });
});
