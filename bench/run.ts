/**
 * `npm run bench`: every benchmark, one after the other, with the machine they
 * ran on. Figures only: nothing here asserts a timing. `npm run bench -- NAME`
 * runs the ones whose name contains NAME.
 */
import { cpus, totalmem } from 'node:os';
import { runAttachmentsBench } from './attachmentsBench';
import { runColdStartBench } from './coldStart';
import { runHistoryBench } from './historySearch';
import { runInspectorBench } from './inspectorOpen';
import { runImportExportBench } from './importExport';
import { runIpcRateBench } from './ipcRate';
import { runMemoryBench } from './memorySession';
import { runRendererBench } from './rendererPerformance';
import { runStreamThroughputBench } from './streamThroughput';

const benches: Array<[string, () => Promise<string>]> = [
  ['stream-throughput', runStreamThroughputBench],
  ['ipc-rate', runIpcRateBench],
  ['history', runHistoryBench],
  ['import-export', runImportExportBench],
  ['renderer', runRendererBench],
  ['attachments', runAttachmentsBench],
  ['cold-start', runColdStartBench],
  ['inspector', runInspectorBench],
  ['memory', runMemoryBench],
];

const filter = process.argv[2] ?? '';
console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
);
for (const [name, run] of benches) {
  if (!name.includes(filter)) continue;
  const started = performance.now();
  console.log(`== ${name}`);
  console.log(await run());
  console.log(`   (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}
