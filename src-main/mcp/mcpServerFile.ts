/** Where the user's MCP servers are kept: `mcp-servers.json` in the user-data folder, checked on read. */
import { z } from 'zod';
import { mcpServerSaveInput, type McpServerConfig } from '../../src-preload/contract/tools';
import { JsonFile } from '../settings/JsonFile';
import type { McpServerStore } from './McpService';

const storedServers = z.object({
  servers: z.array(mcpServerSaveInput.extend({ id: z.string().min(1), alwaysAllow: z.array(z.string()).default([]) })),
});

/** The store over a JSON file; a damaged file is moved aside and the list starts empty. */
export function mcpServerFile(path: string): McpServerStore {
  const file = new JsonFile(path, storedServers, () => ({ servers: [] }));
  return {
    read: (): McpServerConfig[] => file.read().servers,
    write: (servers) => file.write({ servers }),
  };
}
