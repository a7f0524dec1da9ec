/**
 * Moves the write-ahead log into the database file once the history has been idle for a while,
 * so that `nagare.db` alone holds the history while Nagare runs too, not only after a clean quit
 * (a crash, a backup tool or a sync service copying just that file). SQLite's own automatic
 * checkpoint only runs at 1,000 pages and never empties the log.
 *
 * Writes are noticed by polling `total_changes()`, which counts every row this connection changed:
 * no write path has to remember to report itself.
 */
import { checkpointWal, type HistoryDatabase } from './database';

/** How long after the last write the log is checkpointed. */
export const IDLE_CHECKPOINT_MS = 30_000;
/** How often writes are looked for. */
export const WRITE_POLL_MS = 5_000;

/** Dependencies of {@link IdleCheckpointer}. */
export interface IdleCheckpointerDependencies {
  db: HistoryDatabase;
  now: () => number;
  /** Calls `callback` every `ms` until the returned function is called; tests drive it by hand. */
  every: (callback: () => void, ms: number) => () => void;
  log: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;
  idleMs?: number;
  pollMs?: number;
}

/** Checkpoints (TRUNCATE) the history about {@link IDLE_CHECKPOINT_MS} after its last write. */
export class IdleCheckpointer {
  private readonly idleMs: number;
  private readonly pollMs: number;
  private lastChanges: number;
  private lastWriteAt: number | null = null;
  private stopPolling: (() => void) | null = null;
  private paused = false;

  constructor(private readonly deps: IdleCheckpointerDependencies) {
    this.idleMs = deps.idleMs ?? IDLE_CHECKPOINT_MS;
    this.pollMs = deps.pollMs ?? WRITE_POLL_MS;
    this.lastChanges = this.totalChanges();
  }

  start(): void {
    this.stopPolling ??= this.deps.every(() => this.poll(), this.pollMs);
  }

  stop(): void {
    this.stopPolling?.();
    this.stopPolling = null;
  }

  /**
   * Holds checkpoints back while another connection (an import's worker) writes: a checkpoint
   * would wait on it and stall this one.
   */
  pause(): void {
    this.paused = true;
  }

  /** Checkpoints again, and counts the other connection's writes as a write just made. */
  resume(): void {
    this.paused = false;
    this.lastWriteAt = this.deps.now();
  }

  /** Notes a write since the last poll, or checkpoints when the last one is old enough. */
  poll(): void {
    try {
      const changes = this.totalChanges();
      if (changes !== this.lastChanges) {
        this.lastChanges = changes;
        this.lastWriteAt = this.deps.now();
        return;
      }
      if (this.paused || this.lastWriteAt === null || this.deps.now() - this.lastWriteAt < this.idleMs) return;
      // A busy log (a reader in the way) is tried again at the next poll.
      if (checkpointWal(this.deps.db)) this.lastWriteAt = null;
    } catch (error) {
      // A closed or failing database: the next write will report it; do not try again and again.
      this.deps.log('warn', 'Could not checkpoint the history log', { error });
      this.lastWriteAt = null;
    }
  }

  private totalChanges(): number {
    return (this.deps.db.prepare('SELECT total_changes() AS changes').get() as { changes: number }).changes;
  }
}
