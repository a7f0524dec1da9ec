/**
 * Import and export of a large history, on the path the app runs: the
 * FileTransferService that `history.import` / `history.export` call, its
 * TransferRunner, and the worker thread (the built `out/main/transferWorker.js`
 * when present, else the same module from source). This process plays main:
 * it has the history database open, flushes a streaming reply every 300 ms on
 * its own connection as a chat in another window would, and measures its
 * longest event-loop stall with `monitorEventLoopDelay` while the import runs.
 * Memory is the RSS of this process (main and the worker thread together)
 * above what it was idle just before.
 *
 * Targets (issue 14, 2-core machine): a 50 MB ChatGPT export imported in
 * ≤ 10 s; main's longest stall ≤ 50 ms; peak extra memory ≤ 100 MB.
 * Also printed, side by side in the same run: reading alone with stream-json
 * against `JSON.parse` of the whole text, for the choice of parser.
 * Prints figures; asserts nothing. Run: `npm run bench -- import`.
 */
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import type { TransferProgress } from '../src-preload/contract/types';
import { openHistoryDatabase, type HistoryDatabase } from '../src-main/history/database';
import { HistoryRepository } from '../src-main/history/HistoryRepository';
import { readExport } from '../src-main/transfer/exportReader';
import { FileTransferService } from '../src-main/transfer/FileTransferService';
import { writeChatGptExport } from '../src-main/transfer/fixtures/chatGptExport';
import { startTransferWorkerFromSource } from '../src-main/transfer/testSupport';
import { TransferRunner, type StartTransferWorker } from '../src-main/transfer/TransferRunner';
import { gatedDatabase, WriteGate } from '../src-main/transfer/writeGate';
import { formatSpread, spread } from './stats';

const TARGET_BYTES = 50 * 1024 * 1024;
/** `NAGARE_BENCH_ROUNDS` runs fewer while investigating. */
const ROUNDS = Number(process.env.NAGARE_BENCH_ROUNDS ?? 5);
const FLUSH_EVERY_MS = 300;
const builtWorker = join(import.meta.dirname, '..', 'out', 'main', 'transferWorker.js');

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mb = (bytes: number) => bytes / 2 ** 20;

interface Round {
  seconds: number;
  /** CPU time of this process (main and the worker together): steadier than the time on a shared machine. */
  cpuSeconds: number;
  stallMs: number;
  /** The longest of main's flushes of the streaming reply. */
  flushMs: number;
  /** Main's longest stall over 3 s with no transfer: what the machine itself costs. */
  controlStallMs: number;
  extraMb: number;
  conversations: number;
  messages: number;
}

function workerStarter(): { start: StartTransferWorker; which: string } {
  if (existsSync(builtWorker)) {
    return {
      start: (workerData) => new Worker(builtWorker, { workerData }),
      which: 'out/main/transferWorker.js (built)',
    };
  }
  return {
    start: startTransferWorkerFromSource,
    which: 'src-main/transfer/transferWorker.ts (source; run `npm run build` for the bundle)',
  };
}

/** Runs `work` as main would, measuring the stall, the memory above idle, and the time. */
async function measured<T>(
  work: () => Promise<T>,
  whileRunning: () => void,
): Promise<{ value: T; seconds: number; cpuSeconds: number; stallMs: number; extraMb: number }> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const idle = process.memoryUsage.rss();
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    whileRunning();
  }, 20);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const value = await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  delay.disable();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return {
    value,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    stallMs: delay.max / 1e6,
    extraMb: mb(peak - idle),
  };
}

function service(
  directory: string,
  filePath: string,
  runner: TransferRunner,
  databasePath: string,
  repo: HistoryRepository,
  mainDb: HistoryDatabase,
) {
  return new FileTransferService({
    dialogs: { chooseOpenPath: async () => filePath, chooseSavePath: async () => join(directory, 'export.json') },
    runner,
    setMainCheckpoints: (on: boolean) => mainDb.exec(`PRAGMA wal_autocheckpoint = ${on ? 1000 : 0}`),
    databasePath: () => databasePath,
    backUp: () => undefined,
    conversationTitle: (id) => repo.getConversation(id).title,
    streamLog: () => null,
    sendProgress: (_windowId: number, _progress: TransferProgress) => undefined,
    onImported: () => undefined,
    newId: randomUUID,
  });
}

async function importRound(
  filePath: string,
  start: StartTransferWorker,
): Promise<Round & { exportSeconds: number; exportStallMs: number; exportExtraMb: number }> {
  const directory = mkdtempSync(join(tmpdir(), 'nagare-bench-import-'));
  try {
    const opened = openHistoryDatabase({ directory, now: Date.now });
    // As composition.ts wires them: main's writes pass the gate the worker yields to.
    const gate = new WriteGate();
    const gated = gatedDatabase(opened.db, gate);
    const repo = new HistoryRepository(gated, Date.now, randomUUID);
    // A reply streaming in another window: main writes to the same database while the import runs.
    const chat = repo.createConversation({});
    const question = repo.addUserMessage(chat.id, null, 'A chat that goes on during the import');
    const reply = repo.beginAssistantMessage(chat.id, question.id, 'model');
    let text = '';
    let lastFlush = performance.now();
    let longestFlushMs = 0;
    const flush = () => {
      if (performance.now() - lastFlush < FLUSH_EVERY_MS) return;
      lastFlush = performance.now();
      text += 'more text ';
      // As ChatService saves a streaming reply: once the import's worker has let the lock go.
      void gate.writeWhenFree(() => {
        const started = performance.now();
        repo.appendOrFlush(reply.id, { content: text });
        longestFlushMs = Math.max(longestFlushMs, performance.now() - started);
      });
      longestFlushMs = Math.max(longestFlushMs, performance.now() - lastFlush);
    };
    const transfers = service(directory, filePath, new TransferRunner(start, gate), opened.path, repo, gated);
    // The control: the same process, flushes and probes for 3 s with nothing transferring.
    const control = await measured(() => new Promise((resolve) => setTimeout(resolve, 3_000)), flush);
    longestFlushMs = 0;
    const imported = await measured(() => transfers.importHistory({ windowId: 1 }), flush);
    const importFlushMs = longestFlushMs;
    const report = imported.value!;
    const exported = await measured(
      () => transfers.exportHistory({ conversationId: null, format: 'json' }, { windowId: 1 }),
      flush,
    );
    if (!exported.value.savedTo) throw new Error('the export wrote nothing');
    opened.db.close();
    return {
      seconds: imported.seconds,
      cpuSeconds: imported.cpuSeconds,
      stallMs: imported.stallMs,
      flushMs: importFlushMs,
      controlStallMs: control.stallMs,
      extraMb: imported.extraMb,
      conversations: report.conversationsAdded,
      messages: report.messagesAdded,
      exportSeconds: exported.seconds,
      exportStallMs: exported.stallMs,
      exportExtraMb: exported.extraMb,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Reading the file alone, both ways, with the memory each needs above idle. */
async function readOnly(
  filePath: string,
): Promise<{ streamJson: number; streamJsonMb: number; jsonParse: number; jsonParseMb: number }> {
  let entries = 0;
  const streamed = await measured(
    async () => {
      for await (const event of readExport(createReadStream(filePath, { highWaterMark: 64 * 1024 }))) {
        if (event.type === 'entry') entries++;
      }
    },
    () => undefined,
  );
  const whole = await measured(
    async () => (JSON.parse(readFileSync(filePath, 'utf8')) as unknown[]).length,
    () => undefined,
  );
  if (whole.value !== entries) throw new Error('the two readers disagree');
  return {
    streamJson: streamed.seconds,
    streamJsonMb: streamed.extraMb,
    jsonParse: whole.seconds,
    jsonParseMb: whole.extraMb,
  };
}

export async function runImportExportBench(): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'nagare-bench-export-file-'));
  try {
    const filePath = join(directory, 'conversations.json');
    const written = await writeChatGptExport(filePath, { targetBytes: TARGET_BYTES, seed: 14 });
    const { start, which } = workerStarter();
    const rounds: Array<Awaited<ReturnType<typeof importRound>>> = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await importRound(filePath, start));
    const reads = [];
    for (let round = 0; round < 3; round++) reads.push(await readOnly(filePath));
    const size = mb(statSync(filePath).size);
    const of = (pick: (round: (typeof rounds)[number]) => number) => spread(rounds.map(pick));
    return [
      `ChatGPT export: ${size.toFixed(1)} MB, ${written.conversations} entries (generated); ${rounds[0]?.conversations} conversations, ${rounds[0]?.messages} messages imported`,
      `worker: ${which}; main flushes a streaming reply every ${FLUSH_EVERY_MS} ms throughout; median (min–max) of ${ROUNDS} rounds`,
      `import time                 ${formatSpread(
        of((r) => r.seconds),
        2,
        ' s',
      )}   target ≤ 10 s`,
      `  its CPU time              ${formatSpread(
        of((r) => r.cpuSeconds),
        2,
        ' s',
      )}   (main + worker; steadier than the time under load)`,
      `main's longest stall        ${formatSpread(
        of((r) => r.stallMs),
        1,
        ' ms',
      )}   target ≤ 50 ms`,
      `  with no import (control) ${formatSpread(
        of((r) => r.controlStallMs),
        1,
        ' ms',
      )}   (same process and flushes, 3 s)`,
      `  its longest flush         ${formatSpread(
        of((r) => r.flushMs),
        1,
        ' ms',
      )}   (main writing the streaming reply)`,
      `peak memory above idle      ${formatSpread(
        of((r) => r.extraMb),
        0,
        ' MB',
      )}   target ≤ 100 MB (RSS: main + worker)`,
      `export of it (Nagare JSON)  ${formatSpread(
        of((r) => r.exportSeconds),
        2,
        ' s',
      )}; stall ${formatSpread(
        of((r) => r.exportStallMs),
        1,
        ' ms',
      )}; memory ${formatSpread(
        of((r) => r.exportExtraMb),
        0,
        ' MB',
      )}`,
      `reading only, same file (3 rounds): stream-json ${formatSpread(spread(reads.map((r) => r.streamJson)), 2, ' s')}, ${formatSpread(spread(reads.map((r) => r.streamJsonMb)), 0, ' MB')} · JSON.parse of the whole text ${formatSpread(spread(reads.map((r) => r.jsonParse)), 2, ' s')}, ${formatSpread(spread(reads.map((r) => r.jsonParseMb)), 0, ' MB')}`,
    ].join('\n');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await runImportExportBench());
}
