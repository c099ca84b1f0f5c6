/**
 * Figures already rounded to a few significant digits, written a few characters each instead of as
 * JSON numbers: a daily profile's 96 means ("45.3,") and spreads ("0.45,") are most of a carried
 * detector, and every detector of a monitor travels in each scan's input and output. A figure is its
 * digits and its decimal exponent, so it reads back as exactly the same number.
 */

/** 64 characters that need no escaping in JSON. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE = ALPHABET.length;

export interface FigureCode {
  /** Significant digits the figures are rounded to. */
  digits: number;
  /** Characters per figure. */
  width: number;
  /** The smallest decimal exponent a figure may have (of its first digit: 45.3 has 1). */
  lowestExponent: number;
  /** How many exponents from the lowest are written. */
  exponents: number;
  signed: boolean;
}

/** 3 digits, either sign, 1e-60 to 1e60: three characters. */
export const MEAN_FIGURES: FigureCode = {
  digits: 3,
  width: 3,
  lowestExponent: -60,
  exponents: 121,
  signed: true,
};
/** 2 digits, not negative (variances), 1e-20 to 1e24: two characters. */
export const SPREAD_FIGURES: FigureCode = {
  digits: 2,
  width: 2,
  lowestExponent: -20,
  exponents: 45,
  signed: false,
};

/** Codes 0 and 1 are a figure never seen (NaN) and zero. */
const FIRST_NUMBER_CODE = 2;

const mantissasOf = (code: FigureCode) => 9 * 10 ** (code.digits - 1);

function codeOf(value: number, code: FigureCode): number | undefined {
  if (Number.isNaN(value)) return 0;
  if (value === 0) return 1;
  if (!Number.isFinite(value) || (value < 0 && !code.signed)) return undefined;
  const [digits = '', exponentText = ''] = Math.abs(value)
    .toExponential(code.digits - 1)
    .split('e');
  const mantissa = Number(digits.replace('.', ''));
  const exponent = Number(exponentText);
  const place = exponent - code.lowestExponent;
  if (place < 0 || place >= code.exponents) return undefined;
  const sign = value < 0 ? 1 : 0;
  const number = FIRST_NUMBER_CODE + (sign * code.exponents + place) * mantissasOf(code);
  return number + mantissa - 10 ** (code.digits - 1);
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

/**
 * The figures as text, or undefined when one of them cannot be written exactly (not rounded to the
 * code's digits, out of its range): the caller keeps the numbers then.
 */
export function encodeFigures(values: ArrayLike<number>, code: FigureCode): string | undefined {
  let text = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? Number.NaN;
    const number = codeOf(value, code);
    if (number === undefined || !Object.is(valueOf(number, code), value)) return undefined;
    for (let place = code.width - 1; place >= 0; place--)
      text += ALPHABET[Math.floor(number / BASE ** place) % BASE];
  }
  return text;
}

/** The figures `encodeFigures` wrote (NaN for one never seen). */
export function decodeFigures(text: string, code: FigureCode): number[] {
  if (text.length % code.width !== 0)
    throw new Error(`figures of ${code.width} characters, got ${text.length}`);
  const values: number[] = [];
  for (let at = 0; at < text.length; at += code.width) {
    let number = 0;
    for (let place = 0; place < code.width; place++) {
      const digit = ALPHABET.indexOf(text[at + place] ?? '');
      if (digit < 0) throw new Error(`not a figure character: ${text[at + place]}`);
      number = number * BASE + digit;
    }
    values.push(valueOf(number, code));
  }
  return values;
}
