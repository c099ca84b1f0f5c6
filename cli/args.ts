import { parseDuration } from '../domain/duration';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}
/** What was asked for does not exist (exit code 3). */
export class NotFoundError extends Error {}
/** What was asked for exists but is not in a state that allows it (exit code 4): no usage to show. */
export class ConflictError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses flags strictly; an unknown or malformed flag is a UsageError naming it. */
export function parseFlags<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Flags plus the words that are not flags (the message of `medic chat`). */
export function parseFlagsAndWords<O extends Options>(args: string[], options: O) {
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { flags: parsed.values, words: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * A command's one subject, as `--flag VALUE` or as its only word (`medic model rollback detector`,
 * as people type it): both at once must agree, and a second word is a mistake, not ignored.
 */
export function flagOrWord(value: string | undefined, words: string[], flag: string): string | undefined {
  if (words.length > 1) throw new UsageError(`unexpected "${words.slice(1).join(' ')}" after "${words[0]}"`);
  const word = words[0];
  if (word !== undefined && value !== undefined && word !== value)
    throw new UsageError(`"${word}" and --${flag} ${value} disagree; give one`);
  return value ?? word;
}

export function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${flag} is required`);
  return value;
}

export function intFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

export function instanceIdFlag(value: string | undefined): string {
  const id = requireFlag(value, 'instance');
  if (!/^i-[0-9a-f]{8,17}$/.test(id))
    throw new UsageError(`--instance must be an EC2 instance id like i-0abc1234def567890, got "${id}"`);
  return id;
}

export function fleetFlag(value: string | undefined): string {
  const fleet = value ?? 'default';
  if (!/^[a-z0-9-]{1,32}$/.test(fleet))
    throw new UsageError(`--fleet must be 1-32 lowercase letters, digits or dashes, got "${fleet}"`);
  return fleet;
}

/**
 * A duration flag's value (`90s`, `30m`, `24h`, `14d`) in milliseconds; malformed, or shorter than
 * `minimum` (itself a duration), it is a UsageError naming the flag with an example that would do.
 */
export function durationFlag(
  text: string,
  flag: string,
  { example, minimum }: { example: string; minimum?: string },
): number {
  const ms = parseDuration(text);
  const floor = minimum === undefined ? 0 : parseDuration(minimum);
  if (floor === undefined) throw new Error(`minimum ${minimum} of --${flag} is not a duration`);
  if (ms === undefined || ms < floor) {
    const bound = minimum === undefined ? '' : ` of ${minimum} or more`;
    throw new UsageError(`--${flag} must be a duration${bound} like ${example}, got "${text}"`);
  }
  return ms;
}

/** A schedule's `--every`: a duration of a minute or more, in milliseconds. */
export function everyFlag(value: string | undefined): number {
  return durationFlag(requireFlag(value, 'every'), 'every', { example: '24h', minimum: '1m' });
}
