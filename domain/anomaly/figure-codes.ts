/**
 * A carried detector's numbers written as short text: every detector of a fleet monitor travels in
 * each scan's input and output, and its daily profiles' means and spreads (rounded to a few
 * significant digits as they are learnt) and its transition counts were most of its JSON.
 *
 * A rounded figure is its digits and its decimal exponent, a whole number (its code) that reads back
 * as exactly the same double; neighbouring slots have near codes, so each figure is written as the
 * difference from the one before. Whole numbers are written five bits a character, the last
 * character of a number from the first half of a 64-character alphabet that needs no JSON escaping.
 */

export const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Of each character, the low half of the alphabet ends a number, the high half goes on. */
const DIGIT = ALPHABET.length / 2;

export interface FigureCode {
  /** Significant digits the figures are rounded to. */
  digits: number;
  /** The smallest decimal exponent a figure may have (of its first digit: 45.3 has 1). */
  lowestExponent: number;
  /** How many exponents from the lowest are written. */
  exponents: number;
}

/** A slot's mean: 3 digits, 1e-60 to 1e60 either sign. */
export const MEAN_FIGURES: FigureCode = { digits: 3, lowestExponent: -60, exponents: 121 };
/** A slot's spread (a variance, never negative): 2 digits, 1e-60 to 1e60. */
export const SPREAD_FIGURES: FigureCode = { digits: 2, lowestExponent: -60, exponents: 121 };

/** Codes 0 and 1 are a figure never seen (NaN) and zero. */
const FIRST_NUMBER_CODE = 2;

const mantissasOf = (code: FigureCode) => 9 * 10 ** (code.digits - 1);

function codeOf(value: number, code: FigureCode): number | undefined {
  if (Number.isNaN(value)) return 0;
  if (value === 0) return 1;
  if (!Number.isFinite(value)) return undefined;
  const [digits = '', exponentText = ''] = Math.abs(value)
    .toExponential(code.digits - 1)
    .split('e');
  const place = Number(exponentText) - code.lowestExponent;
  if (place < 0 || place >= code.exponents) return undefined;
  const row = (value < 0 ? code.exponents : 0) + place;
  return (
    FIRST_NUMBER_CODE + row * mantissasOf(code) + Number(digits.replace('.', '')) - 10 ** (code.digits - 1)
  );
}

function valueOf(number: number, code: FigureCode): number {
  if (number === 0) return Number.NaN;
  if (number === 1) return 0;
  const mantissas = mantissasOf(code);
  const rest = number - FIRST_NUMBER_CODE;
  const mantissa = (rest % mantissas) + 10 ** (code.digits - 1);
  const row = Math.floor(rest / mantissas);
  const exponent = (row % code.exponents) + code.lowestExponent;
  const sign = row >= code.exponents ? '-' : '';
  return Number(`${sign}${mantissa}e${exponent - (code.digits - 1)}`);
}

function writeWhole(whole: number): string {
  let rest = Math.floor(whole / DIGIT);
  let text = ALPHABET[whole % DIGIT] ?? '';
  while (rest > 0) {
    text = (ALPHABET[DIGIT + (rest % DIGIT)] ?? '') + text;
    rest = Math.floor(rest / DIGIT);
  }
  return text;
}

function readWholes(text: string): number[] {
  const wholes: number[] = [];
  let whole = 0;
  for (const character of text) {
    const digit = ALPHABET.indexOf(character);
    if (digit < 0) throw new Error(`not a figure character: ${character}`);
    whole = whole * DIGIT + (digit % DIGIT);
    if (digit >= DIGIT) continue;
    wholes.push(whole);
    whole = 0;
  }
  if (ALPHABET.indexOf(text.at(-1) ?? 'A') >= DIGIT) throw new Error('figures end in the middle of one');
  return wholes;
}

/** A difference as a whole number: 0, -1, 1, -2, 2 … are 0, 1, 2, 3, 4 … */
const zigzag = (n: number) => (n < 0 ? -2 * n - 1 : 2 * n);
const unzigzag = (n: number) => (n % 2 === 1 ? -(n + 1) / 2 : n / 2);

/**
 * The figures as text, or undefined when one of them cannot be written exactly (not rounded to the
 * code's digits, out of its range): the caller keeps the numbers then.
 */
export function encodeFigures(values: ArrayLike<number>, code: FigureCode): string | undefined {
  let text = '';
  let before = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? Number.NaN;
    const number = codeOf(value, code);
    if (number === undefined || !Object.is(valueOf(number, code), value)) return undefined;
    text += writeWhole(zigzag(number - before));
    before = number;
  }
  return text;
}

/** The figures `encodeFigures` wrote (NaN for one never seen). */
export function decodeFigures(text: string, code: FigureCode): number[] {
  let number = 0;
  return readWholes(text).map((difference) => valueOf((number += unzigzag(difference)), code));
}

/** Whole counts at least zero as text, or undefined when one is not. */
export function encodeCounts(counts: ArrayLike<number>): string | undefined {
  let text = '';
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] ?? Number.NaN;
    if (!Number.isSafeInteger(count) || count < 0) return undefined;
    text += writeWhole(count);
  }
  return text;
}

/** The counts `encodeCounts` wrote. */
export const decodeCounts = (text: string): number[] => readWholes(text);
