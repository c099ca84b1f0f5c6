import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { isInstanceTaskAction, TASK_ACTIONS, TEMPLATE } from './steps';

export { isInstanceTaskAction, render, TASK_ACTIONS, type TaskAction } from './steps';

/**
 * Custom tasks: operators' own runbooks, written as YAML or JSON, made only of catalogue actions.
 * Validation names the line and the field of every problem, so a file is fixed in one pass.
 */
const parameterSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'lower-case letters, digits and _ (up to 32)'),
  description: z.string().max(300).optional(),
  type: z.enum(['instance-id', 'text']).default('text'),
  required: z.boolean().default(true),
});

const stepSchema = z.strictObject({
  action: z.enum(TASK_ACTIONS),
  /** The instance the step acts on: an id or a `{{parameter}}`. */
  target: z.string().max(200).optional(),
  /** For `wait`. */
  seconds: z.number().int().min(1).max(3600).optional(),
  /** For `notify`. */
  message: z.string().max(1000).optional(),
  /** How an instance step is judged done: running, or running with passing status checks. */
  verify: z.enum(['running', 'healthy', 'none']).optional(),
});

export const taskDefinitionSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and - (up to 63)'),
    description: z.string().max(500).optional(),
    parameters: z.array(parameterSchema).max(10).default([]),
    /** `required`: the run waits for approve/decline; `none`: it runs at once. */
    approval: z.enum(['required', 'none']).default('required'),
    steps: z.array(stepSchema).min(1).max(20),
  })
  .superRefine((task, ctx) => {
    const declared = new Set(task.parameters.map((p) => p.name));
    const seen = new Set<string>();
    for (const [i, p] of task.parameters.entries()) {
      if (seen.has(p.name))
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', i, 'name'],
          message: `"${p.name}" is declared twice`,
        });
      seen.add(p.name);
    }
    for (const [i, step] of task.steps.entries()) {
      if (isInstanceTaskAction(step.action) && !step.target)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'target'],
          message: `${step.action} needs a target (an instance id or {{parameter}})`,
        });
      if (step.action === 'wait' && step.seconds === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'seconds'],
          message: 'wait needs seconds (1–3600)',
        });
      if (step.action === 'notify' && !step.message)
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'message'], message: 'notify needs a message' });
      for (const field of ['target', 'message'] as const)
        for (const m of (step[field] ?? '').matchAll(TEMPLATE))
          if (!declared.has(m[1]))
            ctx.addIssue({
              code: 'custom',
              path: ['steps', i, field],
              message: `{{${m[1]}}} is not a declared parameter`,
            });
    }
  });
export type TaskDefinition = z.infer<typeof taskDefinitionSchema>;

export interface TaskProblem {
  /** 1-based line in the file, when the problem can be placed. */
  line?: number;
  path: string;
  message: string;
}

export class TaskDefinitionError extends Error {
  constructor(readonly problems: TaskProblem[]) {
    super(
      problems
        .map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path ? `${p.path}: ` : ''}${p.message}`)
        .join('\n'),
    );
  }
}

const MAX_SOURCE = 64 * 1024;

/** Parses YAML (JSON is YAML too) and validates it; every problem comes back with its line. */
export function parseTaskDefinition(source: string): TaskDefinition {
  if (source.length > MAX_SOURCE)
    throw new TaskDefinitionError([{ path: '', message: `the file is over ${MAX_SOURCE / 1024} KiB` }]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  if (doc.errors.length)
    throw new TaskDefinitionError(
      doc.errors.map((e) => ({
        line: lineCounter.linePos(e.pos[0]).line,
        path: '',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  let value: unknown;
  try {
    // maxAliasCount bounds "billion laughs" alias expansion.
    value = doc.toJS({ maxAliasCount: 20 });
  } catch (err) {
    throw new TaskDefinitionError([{ path: '', message: (err as Error).message }]);
  }
  const result = taskDefinitionSchema.safeParse(value);
  if (result.success) return result.data;
  throw new TaskDefinitionError(
    result.error.issues.map((issue) => {
      const path = issue.path.map(String);
      // The deepest node that exists on the path: a missing field is reported where its parent is.
      let line: number | undefined;
      for (let depth = path.length; depth >= 0 && line === undefined; depth--) {
        const node = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
        if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
        else if (depth === 0 && isNode(doc.contents) && doc.contents.range)
          line = lineCounter.linePos(doc.contents.range[0]).line;
      }
      return { ...(line ? { line } : {}), path: path.join('.'), message: issue.message };
    }),
  );
}

/** Run parameters checked against the definition: required ones present, instance ids well formed. */
export function checkRunParameters(task: TaskDefinition, params: Record<string, string>): TaskProblem[] {
  const problems: TaskProblem[] = [];
  for (const p of task.parameters) {
    const value = params[p.name];
    if (value === undefined || value === '') {
      if (p.required) problems.push({ path: `params.${p.name}`, message: 'required' });
    } else if (p.type === 'instance-id' && !/^i-[0-9a-f]{8,17}$/.test(value))
      problems.push({ path: `params.${p.name}`, message: `"${value}" is not an instance id (i-…)` });
  }
  for (const name of Object.keys(params))
    if (!task.parameters.some((p) => p.name === name))
      problems.push({ path: `params.${name}`, message: 'not a parameter of this task' });
  return problems;
}
