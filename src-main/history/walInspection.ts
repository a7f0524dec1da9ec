/**
 * Reads a SQLite write-ahead log the way SQLite's recovery does, to tell when it would drop
 * committed transactions without a word. On open SQLite replays frames up to the first one whose
 * salt or checksum is wrong and silently ignores the rest, and `quick_check` cannot see what was
 * never replayed. A torn frame at the very end is the normal trace of a crash mid-write; a bad
 * frame followed by more committed frames of the same log generation is damage that loses data.
 *
 * Format: https://www.sqlite.org/fileformat2.html#walformat
 */
import fs from 'node:fs';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const MAGIC_LITTLE_ENDIAN = 0x377f0682;
const MAGIC_BIG_ENDIAN = 0x377f0683;

/** What a write-ahead log holds, as SQLite's recovery would see it. */
export interface WalInspection {
  /** Frames in the file (whole ones). */
  frames: number;
  /** Frames SQLite replays: those up to the last valid commit before the first invalid frame. */
  replayedFrames: number;
  /**
   * Commit frames of the log's current generation that come after an invalid frame: transactions
   * that were written and committed but that SQLite will not replay. Zero for a healthy log.
   */
  lostCommits: number;
  /** Why SQLite cannot use the log at all (wrong magic, page size), or null. */
  unreadable: string | null;
}

/** Running checksum of SQLite's WAL: pairs of 32-bit words, in the byte order the magic names. */
function checksum(bytes: Buffer, bigEndian: boolean, seed: [number, number]): [number, number] {
  let [s0, s1] = seed;
  for (let offset = 0; offset + 8 <= bytes.length; offset += 8) {
    const x0 = bigEndian ? bytes.readUInt32BE(offset) : bytes.readUInt32LE(offset);
    const x1 = bigEndian ? bytes.readUInt32BE(offset + 4) : bytes.readUInt32LE(offset + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

const HEALTHY_EMPTY: WalInspection = { frames: 0, replayedFrames: 0, lostCommits: 0, unreadable: null };

/** Inspects the log at `walPath`; a missing or empty file is a healthy, empty log. */
export function inspectWal(walPath: string): WalInspection {
  let file: Buffer;
  try {
    file = fs.readFileSync(walPath);
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return HEALTHY_EMPTY;
    throw error;
  }
  if (file.length < WAL_HEADER_BYTES) return HEALTHY_EMPTY;

  const magic = file.readUInt32BE(0);
  // SQLite ignores a log it cannot read at all: anything in it is lost.
  if (magic !== MAGIC_LITTLE_ENDIAN && magic !== MAGIC_BIG_ENDIAN) {
    return { ...HEALTHY_EMPTY, unreadable: 'the write-ahead log has no valid header' };
  }
  const bigEndian = magic === MAGIC_BIG_ENDIAN;
  const pageSize = file.readUInt32BE(8);
  // Valid page sizes are powers of two from 512 to 65536.
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    return { ...HEALTHY_EMPTY, unreadable: 'the write-ahead log has an invalid page size' };
  }
  const salt1 = file.readUInt32BE(16);
  const salt2 = file.readUInt32BE(20);
  const headerSum = checksum(file.subarray(0, 24), bigEndian, [0, 0]);
  if (headerSum[0] !== file.readUInt32BE(24) || headerSum[1] !== file.readUInt32BE(28)) {
    // SQLite ignores the whole log then. The header's salts cannot be trusted: take the first frame's.
    const first = WAL_HEADER_BYTES;
    if (file.length < first + FRAME_HEADER_BYTES) return HEALTHY_EMPTY;
    return countLostCommits(file, pageSize, file.readUInt32BE(first + 8), file.readUInt32BE(first + 12), 0);
  }

  const frameBytes = FRAME_HEADER_BYTES + pageSize;
  const frames = Math.floor((file.length - WAL_HEADER_BYTES) / frameBytes);
  let running = headerSum;
  let replayedFrames = 0;
  for (let index = 0; index < frames; index++) {
    const start = WAL_HEADER_BYTES + index * frameBytes;
    const frame = file.subarray(start, start + frameBytes);
    const saltsMatch = frame.readUInt32BE(8) === salt1 && frame.readUInt32BE(12) === salt2;
    running = checksum(frame.subarray(0, 8), bigEndian, running);
    running = checksum(frame.subarray(FRAME_HEADER_BYTES), bigEndian, running);
    const valid = saltsMatch && running[0] === frame.readUInt32BE(16) && running[1] === frame.readUInt32BE(20);
    if (!valid) return { ...countLostCommits(file, pageSize, salt1, salt2, index + 1), replayedFrames };
    if (frame.readUInt32BE(4) !== 0) replayedFrames = index + 1;
  }
  return { frames, replayedFrames, lostCommits: 0, unreadable: null };
}

/** Counts commit frames of this generation (matching salts) from frame `from` on. */
function countLostCommits(file: Buffer, pageSize: number, salt1: number, salt2: number, from: number): WalInspection {
  const frameBytes = FRAME_HEADER_BYTES + pageSize;
  const frames = Math.floor((file.length - WAL_HEADER_BYTES) / frameBytes);
  let lostCommits = 0;
  for (let index = from; index < frames; index++) {
    const start = WAL_HEADER_BYTES + index * frameBytes;
    const isCommit = file.readUInt32BE(start + 4) !== 0;
    const saltsMatch = file.readUInt32BE(start + 8) === salt1 && file.readUInt32BE(start + 12) === salt2;
    if (isCommit && saltsMatch) lostCommits++;
  }
  return { frames, replayedFrames: 0, lostCommits, unreadable: null };
}
