import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runCommand, scratchProject } from './workspace';

export interface CodeFinding {
  tool: 'tsc' | 'eslint';
  rule: string;
  line: number;
  column: number;
  message: string;
  /** ESLint has a well-known autofix for it. */
  fixable: boolean;
}

export interface CodeCheck {
  file: string;
  findings: CodeFinding[];
  /** With fixing: the unified diff of the autofixes, what is left after them, and the fixed text. */
  patch?: string;
  remaining?: CodeFinding[];
  fixedSource?: string;
}

/** The house rules, as any TypeScript file is checked: strict types plus typed ESLint. */
const ESLINT_CONFIG = `import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'prefer-const': 'error',
      'no-var': 'error',
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
`;

interface EslintJson {
  messages: { ruleId: string | null; line: number; column: number; message: string; fix?: unknown }[];
}

/**
 * The coding agent's bug check: the type checker and ESLint on one file (in a scratch project, so
 * any file can be checked), and with `fix` ESLint's well-known autofixes as a patch, re-checked to
 * say what is left for a person.
 */
export async function checkTypeScriptFile(file: string, options: { fix?: boolean } = {}): Promise<CodeCheck> {
  if (!file.endsWith('.ts')) throw new Error(`${file}: only TypeScript (.ts) files are checked`);
  const dir = scratchProject('medic-check-');
  const name = basename(file);
  try {
    writeFileSync(join(dir, 'eslint.config.mjs'), ESLINT_CONFIG);
    copyFileSync(file, join(dir, name));
    const lint = async (): Promise<CodeFinding[]> => {
      const tsc = await runCommand(
        'npx',
        ['--no-install', 'tsc', '-p', 'tsconfig.json', '--pretty', 'false'],
        { cwd: dir },
      );
      const typeFindings = [...tsc.output.matchAll(/^(.+?)\((\d+),(\d+)\): error (TS\d+): (.+)$/gm)].map(
        ([, , line, column, code, message]): CodeFinding => ({
          tool: 'tsc',
          rule: code ?? '',
          line: Number(line),
          column: Number(column),
          message: message ?? '',
          fixable: false,
        }),
      );
      const eslint = await runCommand('npx', ['--no-install', 'eslint', '-f', 'json', name], { cwd: dir });
      const start = eslint.output.indexOf('[');
      const results = start >= 0 ? (JSON.parse(eslint.output.slice(start)) as EslintJson[]) : [];
      const lintFindings = results.flatMap((r) =>
        r.messages.map((m): CodeFinding => ({
          tool: 'eslint',
          rule: m.ruleId ?? 'parse',
          line: m.line,
          column: m.column,
          message: m.message,
          fixable: m.fix !== undefined,
        })),
      );
      return [...typeFindings, ...lintFindings].sort((a, b) => a.line - b.line || a.column - b.column);
    };
    const findings = await lint();
    if (!options.fix || !findings.some((f) => f.fixable)) return { file, findings };
    await runCommand('npx', ['--no-install', 'eslint', '--fix', name], { cwd: dir });
    const fixedSource = readFileSync(join(dir, name), 'utf8');
    const diff = await runCommand(
      'diff',
      ['-u', '--label', `a/${name}`, '--label', `b/${name}`, file, join(dir, name)],
      {
        cwd: dir,
      },
    );
    return { file, findings, patch: `${diff.output}\n`, remaining: await lint(), fixedSource };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
