/**
 * What a custom task's steps can do, and how a step's text takes the run's parameters: the part of
 * a task the workflow runs. Parsing and validation (YAML, zod) stay in `definition.ts`, outside the
 * workflow bundle (decision 0058).
 */
export const TASK_ACTIONS = [
  'start-instance',
  'reboot-instance',
  'stop-start-instance',
  'replace-instance',
  'wait',
  'notify',
] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];
const INSTANCE_ACTIONS: readonly TaskAction[] = [
  'start-instance',
  'reboot-instance',
  'stop-start-instance',
  'replace-instance',
];
export const isInstanceTaskAction = (a: TaskAction) => INSTANCE_ACTIONS.includes(a);

export const TEMPLATE = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** A step's text with `{{parameter}}` replaced by the run's value (validated before the run starts). */
export const render = (text: string, params: Record<string, string>) =>
  text.replace(TEMPLATE, (_, name: string) => params[name] ?? '');
