/** Deterministic mixed English and Japanese text for the benchmarks that need realistic history. */

export const ENGLISH_WORDS = (
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not ' +
  'what all were we when your can said there use an each which she do how their if will up other about out many then ' +
  'them these so some her would make like him into time has look two more write go see number way could people my than ' +
  'first water been call who oil its now find long down day did get come made may part function database streaming ' +
  'kubernetes sourdough migration typescript latency benchmark recipe garden quantum'
).split(' ');

export const JAPANESE_PHRASES = [
  '日本語の文章',
  'これはテストです',
  '東京タワー',
  '今日はいい天気ですね',
  'プログラミング',
  'データベースの設計',
  '機械学習モデル',
  '会議の議事録',
  '旅行の計画',
  'ありがとうございます',
  '問題を解決する',
  '日本の文化',
  '新しい機能',
  'よろしくお願いします',
];

/** A small deterministic PRNG, so every run builds the same text. */
export function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * Prose of 20 to `max` characters, most of it short, 40% Japanese; `sentences`
 * ends some English words with a full stop.
 */
export function prose(random: () => number, options: { max?: number; sentences?: boolean } = {}): string {
  const max = options.max ?? 1500;
  const japanese = random() < 0.4;
  const target = Math.floor(20 + random() ** 2 * (max - 20));
  let text = '';
  while (text.length < target) {
    text += japanese
      ? pick(random, JAPANESE_PHRASES) + (random() < 0.3 ? '。' : '、')
      : `${pick(random, ENGLISH_WORDS)}${options.sentences && random() < 0.08 ? '. ' : ' '}`;
  }
  return text;
}
