/**
 * History benchmarks: search latency at 10,000 and 100,000 messages, the cost
 * per streamed token of flushing, and opening a long conversation. Prints
 * figures; asserts nothing. Run: `node --import tsx bench/historySearch.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openHistoryDatabase, type HistoryDatabase } from '../src-main/history/database';
import { HistoryRepository } from '../src-main/history/HistoryRepository';
import { percentile, spread, type Spread } from './stats';
import { makeRandom, prose } from './syntheticText';

function makeText(random: () => number): string {
  const text = prose(random);
  // About one message in a thousand mentions a rare subject, so rare queries have a few hits spread over time.
  return random() < 0.001 ? `${text}鯨肉の料理 narwhal` : text;
}

interface Timing extends Spread {
  p50: number;
  p95: number;
}

function summarize(samples: number[]): Timing {
  return { ...spread(samples), p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const us = (value: number) => `${(value * 1000).toFixed(1)} µs`;

function time(work: () => void): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

/**
 * Writes `messages` messages of mixed English and Japanese prose, `perConversation` to a
 * conversation, in one transaction, as rows (faster than the repository; the search index fills
 * through the schema's triggers). The same `seed` writes the same history.
 */
export function fill(db: HistoryDatabase, messages: number, perConversation: number, seed: number): void {
  const random = makeRandom(seed);
  const insertConversation = db.prepare(
    'INSERT INTO conversations (id, title, created_at, updated_at, active_leaf_id) VALUES (?, ?, ?, ?, ?)',
  );
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at)
     VALUES (?, ?, ?, ?, ?, 'complete', ?)`,
  );
  db.transaction(() => {
    for (let c = 0; c * perConversation < messages; c++) {
      const conversationId = `c${seed}-${c}`;
      const count = Math.min(perConversation, messages - c * perConversation);
      insertConversation.run(conversationId, makeText(random).slice(0, 50), c, c, `${conversationId}-${count - 1}`);
      for (let m = 0; m < count; m++) {
        insertMessage.run(
          `${conversationId}-${m}`,
          conversationId,
          m === 0 ? null : `${conversationId}-${m - 1}`,
          m % 2 === 0 ? 'user' : 'assistant',
          makeText(random),
          c * 1000 + m,
        );
      }
    }
  })();
}

function openTemp(): { dir: string; db: HistoryDatabase; repo: HistoryRepository } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nagare-bench-'));
  const { db } = openHistoryDatabase({ directory: dir, now: Date.now });
  let next = 0;
  return { dir, db, repo: new HistoryRepository(db, Date.now, () => `bench-${++next}`) };
}

const QUERIES: Array<[kind: string, query: string]> = [
  ['English common word', 'people'],
  ['English rare word', 'kubernetes'],
  ['English two words', 'sourdough recipe'],
  ['English no match', 'zyxwvut'],
  ['Japanese 3+ chars', '日本語'],
  ['Japanese phrase', '議事録'],
  ['Japanese 2 chars', '日本'],
  ['Japanese 2 chars, rare', '鯨肉'],
  ['Japanese 1 char, rare', '鯨'],
  ['Japanese 2 chars, absent', '虎猫'],
  ['English rare, 3+ chars', 'narwhal'],
  ['Mixed 2+3 chars', '東京 タワー'],
];

function benchSearch(size: number, lines: string[]): void {
  const { dir, db, repo } = openTemp();
  try {
    const fillMs = time(() => fill(db, size, 100, size));
    lines.push(
      `\nSearch at ${size.toLocaleString('en')} messages (filled in ${(fillMs / 1000).toFixed(1)} s, limit 50)`,
    );
    const all: number[] = [];
    for (const [kind, query] of QUERIES) {
      repo.search(query, 50); // warm the page cache and statement
      const samples: number[] = [];
      let hits = 0;
      for (let run = 0; run < 25; run++) samples.push(time(() => (hits = repo.search(query, 50).length)));
      all.push(...samples);
      const t = summarize(samples);
      lines.push(
        `  ${kind.padEnd(24)} ${JSON.stringify(query).padEnd(22)} hits ${String(hits).padStart(2)}  p50 ${ms(t.p50)}  p95 ${ms(t.p95)}  (min–max ${ms(t.min)}–${ms(t.max)})`,
      );
    }
    const overall = summarize(all);
    lines.push(
      `  ALL QUERIES p50 ${ms(overall.p50)}  p95 ${ms(overall.p95)}  median ${ms(overall.median)}  min–max ${ms(overall.min)}–${ms(overall.max)}`,
    );
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function benchFlush(lines: string[]): void {
  const { dir, db, repo } = openTemp();
  try {
    const conversation = repo.createConversation({ title: 'flush' });
    const user = repo.addUserMessage(conversation.id, null, 'go');
    // 3 s of a 2,000 tok/s stream = 6,000 tokens of ~4 characters.
    const tokens = 6000;
    const tokensPerFlush300ms = 600;
    const perToken: number[] = [];
    const throttled: number[] = [];
    for (let run = 0; run < 5; run++) {
      const a = repo.beginAssistantMessage(conversation.id, user.id, 'm');
      let content = '';
      const perTokenMs = time(() => {
        for (let i = 0; i < tokens; i++) {
          content += 'tok ';
          repo.appendOrFlush(a.id, { content });
        }
      });
      perToken.push(perTokenMs / tokens);
      const b = repo.beginAssistantMessage(conversation.id, user.id, 'm');
      content = '';
      let spent = 0;
      for (let i = 1; i <= tokens; i++) {
        content += 'tok ';
        if (i % tokensPerFlush300ms === 0) spent += time(() => repo.appendOrFlush(b.id, { content }));
      }
      throttled.push(spent / tokens);
      repo.finishMessage(a.id, { status: 'complete', content });
      repo.finishMessage(b.id, { status: 'complete', content });
    }
    const p = summarize(perToken);
    const t = summarize(throttled);
    lines.push('\nFlush cost per streamed token (2,000 tok/s for 3 s = 6,000 tokens; synchronous=FULL, 5 runs)');
    lines.push(
      `  flush every token      median ${us(p.median)}/token  (min–max ${us(p.min)}–${us(p.max)})  = ${((p.median * 2000) / 10).toFixed(1)}% of a core at 2,000 tok/s`,
    );
    lines.push(
      `  flush every 300 ms     median ${us(t.median)}/token  (min–max ${us(t.min)}–${us(t.max)})  = ${((t.median * 2000) / 10).toFixed(2)}% of a core at 2,000 tok/s`,
    );
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function benchOpen(lines: string[]): void {
  const { dir, db, repo } = openTemp();
  try {
    fill(db, 10_000, 10_000, 7);
    const conversationId = 'c7-0';
    const newest: number[] = [];
    const older: number[] = [];
    for (let run = 0; run < 25; run++) {
      let cursor: string | null = null;
      newest.push(time(() => (cursor = repo.openConversation({ conversationId, limit: 200 }).olderCursor)));
      older.push(time(() => repo.openConversation({ conversationId, limit: 200, before: cursor })));
    }
    const n = summarize(newest);
    const o = summarize(older);
    lines.push('\nOpening a 10,000-message conversation (page of 200, 25 runs)');
    lines.push(`  newest page   median ${ms(n.median)}  (min–max ${ms(n.min)}–${ms(n.max)})`);
    lines.push(`  next older    median ${ms(o.median)}  (min–max ${ms(o.min)}–${ms(o.max)})`);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs every history benchmark and returns the report. */
export async function runHistoryBench(): Promise<string> {
  const lines = [`History benchmarks — Node ${process.version}, ${os.cpus().length} cores, ${os.platform()}`];
  benchSearch(10_000, lines);
  benchSearch(100_000, lines);
  benchFlush(lines);
  benchOpen(lines);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runHistoryBench());
}
