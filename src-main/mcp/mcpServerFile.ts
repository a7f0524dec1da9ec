/** Where the user's MCP servers are kept: `mcp-servers.json` in the user-data folder, checked on read. */
import { z } from 'zod';
import type { McpServerConfig } from '../../src-preload/contract/tools';
import { JsonFile } from '../settings/JsonFile';
import type { McpServerStore } from './McpService';

const storedServers = z.object({
  servers: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string(),
      command: z.string().default(''),
      url: z.string().default(''),
      headerNames: z.array(z.string()).default([]),
      args: z.array(z.string()).default([]),
      env: z.record(z.string(), z.string()).default({}),
      cwd: z.string().default(''),
      enabled: z.boolean().default(true),
      alwaysAllow: z.array(z.string()).default([]),
    }),
  ),
});

/** The store over a JSON file; a damaged file is moved aside and the list starts empty. */
export function mcpServerFile(path: string): McpServerStore {
  const file = new JsonFile(path, storedServers, () => ({ servers: [] }));
  return {
    read: (): McpServerConfig[] => file.read().servers,
    write: (servers) => file.write({ servers }),
  };
}
