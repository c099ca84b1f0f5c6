/**
 * `action=value,action=value` settings (quorum, autonomy): each entry checked, and an error names
 * the entry that is wrong and what it should look like.
 */
export function parseActionList<T>(
  spec: string,
  valuePattern: RegExp,
  example: string,
  convert: (value: string) => T | undefined,
): Record<string, T> {
  const parsed: Record<string, T> = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const match = /^([a-z-]+)=(.+)$/.exec(part);
    const value = match?.[2] !== undefined && valuePattern.test(match[2]) ? convert(match[2]) : undefined;
    if (!match?.[1] || value === undefined) throw new Error(`"${part}" must look like ${example}`);
    parsed[match[1]] = value;
  }
  return parsed;
}
