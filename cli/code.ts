import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkTypeScriptFile, type CodeFinding } from '../activities/code-check';
import { createCodegenActivities } from '../activities/codegen';
import type { MedicConfig } from '../domain/config';
import { parseFlagsAndWords, UsageError } from './args';

const describeFinding = (f: CodeFinding) =>
  `  ${String(f.line).padStart(4)}:${String(f.column).padEnd(3)} ${f.tool.padEnd(6)} ${f.rule.padEnd(44)} ${f.message}${f.fixable ? '  (autofix)' : ''}`;

/**
 * `medic code generate "REQUEST" [--out DIR]`: code for a common cloud task from a maintained
 * template, type-checked and tested against the emulator first. `medic code check FILE [--fix]
 * [--patch OUT] [--write]`: type checker and ESLint, with the well-known autofixes as a patch.
 * Exit 1 when the generated code failed its checks, or findings remain.
 */
export async function codeCommand(
  sub: string | undefined,
  args: string[],
  config: MedicConfig,
): Promise<number> {
  if (sub === 'generate') {
    const { flags, words } = parseFlagsAndWords(args, { out: { type: 'string' }, json: { type: 'boolean' } });
    const request = words.join(' ').trim();
    if (!request)
      throw new UsageError('say what the code should do: medic code generate "upload a file to S3"');
    const generated = await createCodegenActivities(
      { awsEndpoint: config.awsEndpoint },
      () => (detail) => process.stderr.write(`${detail}\n`),
    ).generateCode({ request });
    if (flags.json) console.log(JSON.stringify(generated));
    else if (generated.status === 'no-template')
      console.log(
        `No template fits "${request}". I can write:\n${(generated.templates ?? []).map((t) => `  - ${t}`).join('\n')}`,
      );
    else {
      console.log(
        `// ${generated.template?.title} — ${generated.status} (${generated.template?.packages.join(', ')})\n`,
      );
      console.log(generated.source);
      console.log(`// Its test:\n\n${generated.test}`);
      console.log(`// Checks:\n${(generated.checks ?? '').replace(/^/gm, '//   ')}`);
    }
    if (flags.out && generated.source && generated.test) {
      mkdirSync(flags.out, { recursive: true });
      writeFileSync(join(flags.out, `${generated.template?.id}.ts`), generated.source);
      writeFileSync(
        join(flags.out, `${generated.template?.id}.test.ts`),
        generated.test.replace("from './code'", `from './${generated.template?.id}'`),
      );
      console.error(`wrote ${generated.template?.id}.ts and its test to ${flags.out}`);
    }
    return generated.status === 'failed' || generated.status === 'no-template' ? 1 : 0;
  }
  if (sub === 'check') {
    const { flags, words } = parseFlagsAndWords(args, {
      fix: { type: 'boolean' },
      patch: { type: 'string' },
      write: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const file = words[0];
    if (!file) throw new UsageError('name the file: medic code check FILE.ts [--fix]');
    if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
    const check = await checkTypeScriptFile(resolve(file), {
      fix: Boolean(flags.fix || flags.write || flags.patch),
    });
    if (flags.patch && check.patch) writeFileSync(flags.patch, check.patch);
    if (flags.write && check.fixedSource) writeFileSync(file, check.fixedSource);
    const left = check.remaining ?? check.findings;
    if (flags.json) console.log(JSON.stringify(check));
    else {
      console.log(`${file}: ${check.findings.length} finding(s)`);
      for (const f of check.findings) console.log(describeFinding(f));
      if (check.patch) {
        console.log(
          `\nAutofixes (${check.findings.length - left.length} fixed)${flags.write ? ', written to the file' : ''}:\n${check.patch}`,
        );
        console.log(`Left for a person: ${left.length}`);
        for (const f of left) console.log(describeFinding(f));
      }
    }
    return left.length > 0 ? 1 : 0;
  }
  throw new UsageError(`unknown code command "${sub ?? ''}"; one of generate, check`);
}
