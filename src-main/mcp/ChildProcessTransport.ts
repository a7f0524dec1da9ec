/**
 * An MCP transport over a child's stdin and stdout. The SDK's own `StdioClientTransport` always
 * merges its default environment (USER, SHELL, TERM, LOGNAME…) into the child's; this one passes
 * exactly the environment it is given, and keeps the end of the child's stderr for the user.
 * The framing is the SDK's (`ReadBuffer`, `serializeMessage`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** How much of the child's stderr is kept: enough for a stack trace's top. */
export const STDERR_TAIL_CHARS = 4000;

export interface ChildProcessParameters {
  command: string;
  args: string[];
  /** The whole environment of the child; nothing is added to it. */
  env: Record<string, string>;
  cwd: string;
}

/** See the comment at the top of this file. */
export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Why the child ended, once it has: its exit code or signal. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private child: ChildProcess | null = null;
  private readonly readBuffer = new ReadBuffer();
  private stderr = '';

  constructor(private readonly parameters: ChildProcessParameters) {}

  /** The last characters the child wrote to stderr. */
  get stderrTail(): string {
    return this.stderr;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.parameters.command, this.parameters.args, {
        env: this.parameters.env,
        cwd: this.parameters.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      });
      this.child = child;
      child.once('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once('spawn', () => resolve());
      child.once('close', (code, signal) => {
        this.exit = { code, signal };
        this.child = null;
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => {
        this.readBuffer.append(chunk);
        this.drain();
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (text: string) => {
        this.stderr = (this.stderr + text).slice(-STDERR_TAIL_CHARS);
      });
    });
  }

  private drain(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.readBuffer.readMessage();
      } catch (error) {
        // A line that is not JSON-RPC: reported, and the rest of the stream still read.
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed) return Promise.reject(new Error('The server is not running.'));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', () => resolve());
    });
  }

  /** Ends stdin, then asks the child to stop, then makes it; resolves when it is gone. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdin?.end();
    const escalate = setTimeout(() => child.kill('SIGTERM'), 1000);
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(escalate);
    clearTimeout(force);
    this.readBuffer.clear();
  }
}
