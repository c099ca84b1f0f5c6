import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTypeScriptFile } from '../../activities/code-check';

const BUGGY = `var count = 0;
let total = 10;

async function save(n: number): Promise<number> {
  return n * 2;
}

export function run(input: string): number {
  save(total);
  if (input == 'x') count++;
  const length: number = input.length + 'a';
  return length + count;
}
`;

describe('bug check of a TypeScript file', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'medic-buggy-')), 'buggy.ts');
  writeFileSync(file, BUGGY);

  test('finds the type error and the lint findings, and fixes only what has a well-known autofix', async () => {
    const check = await checkTypeScriptFile(file, { fix: true });
    const rules = check.findings.map((f) => `${f.tool}:${f.rule}:${f.line}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        'eslint:no-var:1',
        'eslint:prefer-const:2',
        'eslint:@typescript-eslint/no-floating-promises:9',
        'eslint:eqeqeq:10',
        'tsc:TS2322:11',
      ]),
    );
    expect(check.patch).toContain('-var count = 0;');
    expect(check.patch).toContain('+let count = 0;');
    expect(check.patch).toContain('+const total = 10;');
    const left = (check.remaining ?? []).map((f) => f.rule);
    expect(left).toEqual(expect.arrayContaining(['TS2322', '@typescript-eslint/no-floating-promises']));
    expect(left).not.toContain('prefer-const');
    expect(left).not.toContain('no-var');
    expect(check.fixedSource).toContain('const total = 10;');
  }, 120_000);

  test('a clean file has no findings and no patch', async () => {
    const clean = join(mkdtempSync(join(tmpdir(), 'medic-clean-')), 'clean.ts');
    writeFileSync(clean, 'export function double(n: number): number {\n  return n * 2;\n}\n');
    expect(await checkTypeScriptFile(clean, { fix: true })).toEqual({ file: clean, findings: [] });
  }, 120_000);

  test('only TypeScript files are taken', async () => {
    await expect(checkTypeScriptFile('/etc/hostname')).rejects.toThrow(/only TypeScript/);
  });
});
