/**
 * Number inputs as Settings › Defaults and a conversation's settings show them: the input's attributes and the
 * values it accepts, one description per number, so both forms offer and check the same ranges (the ranges
 * main's `generationParameters` schema accepts for the two parameters).
 */
import type { InputHTMLAttributes } from 'vue';

/** One number input: what the browser is told, and what the form accepts on saving. */
export interface NumberInput {
  attributes: InputHTMLAttributes;
  accepts: (value: number) => boolean;
}

const isWhole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;

export const NUMBER_INPUTS = {
  temperature: {
    attributes: { type: 'number', min: '0', max: '2', step: '0.1', inputmode: 'decimal' },
    accepts: (value) => value >= 0 && value <= 2,
  },
  maxTokens: {
    attributes: { type: 'number', min: '1', step: '1', inputmode: 'numeric' },
    accepts: (value) => isWhole(value, 1, 1_000_000),
  },
  idleTimeout: {
    attributes: { type: 'number', min: '5', max: '3600', step: '1', inputmode: 'numeric' },
    accepts: (value) => isWhole(value, 5, 3600),
  },
} satisfies Record<string, NumberInput>;

/** The numbers a form can ask for. */
export type NumberInputName = keyof typeof NUMBER_INPUTS;

/**
 * Reads what was typed (a number input's v-model gives a number once the text parses, else the text):
 * null when empty, undefined when it is not a number the input accepts.
 */
export function readNumber(typed: string | number, input: NumberInput): number | null | undefined {
  const trimmed = String(typed).trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) && input.accepts(value) ? value : undefined;
}
