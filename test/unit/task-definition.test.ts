import fc from 'fast-check';
import {
  checkRunParameters,
  parseTaskDefinition,
  render,
  TaskDefinitionError,
} from '../../domain/tasks/definition';

const ROTATE_LOGS = `name: rotate-logs
description: reboot after the log rotation
parameters:
  - name: instance
    type: instance-id
approval: none
steps:
  - action: notify
    message: rotating logs on {{instance}}
  - action: reboot-instance
    target: "{{instance}}"
    verify: healthy
`;

function problemsOf(source: string) {
  try {
    parseTaskDefinition(source);
  } catch (err) {
    if (err instanceof TaskDefinitionError) return err.problems;
    throw err;
  }
  return [];
}

describe('custom task definitions', () => {
  test('YAML and the same task as JSON give the same definition, with defaults filled in', () => {
    const yaml = parseTaskDefinition(ROTATE_LOGS);
    expect(yaml).toMatchObject({
      name: 'rotate-logs',
      approval: 'none',
      parameters: [{ name: 'instance', type: 'instance-id', required: true }],
      steps: [{ action: 'notify' }, { action: 'reboot-instance', target: '{{instance}}', verify: 'healthy' }],
    });
    expect(parseTaskDefinition(JSON.stringify(yaml))).toEqual(yaml);
    expect(parseTaskDefinition('name: t\nsteps:\n  - action: wait\n    seconds: 5\n').approval).toBe(
      'required',
    );
  });

  test('each problem names its line and field', () => {
    const bad = ROTATE_LOGS.replace('approval: none', 'approval: maybe').replace(
      'action: notify',
      'action: fly',
    );
    expect(problemsOf(bad)).toEqual([
      expect.objectContaining({ line: 6, path: 'approval' }),
      expect.objectContaining({ line: 8, path: 'steps.0.action' }),
    ]);
  });

  test('rules across fields: targets, waits, messages and undeclared parameters', () => {
    const source = `name: t
steps:
  - action: reboot-instance
  - action: wait
  - action: start-instance
    target: "{{host}}"
`;
    expect(problemsOf(source).map((p) => `${p.line}:${p.path}`)).toEqual([
      '3:steps.0.target',
      '4:steps.1.seconds',
      '6:steps.2.target',
    ]);
  });

  test('syntax errors and unknown fields are reported, not thrown raw', () => {
    expect(problemsOf('name: [unclosed')[0]).toMatchObject({ line: 1 });
    expect(problemsOf('name: t\nsteps: []\nrm_rf: true\n').map((p) => p.path)).toEqual(
      expect.arrayContaining(['steps']),
    );
    expect(problemsOf('name: t\nname: u\nsteps: []\n')[0]?.message).toMatch(/unique|duplicate/i);
  });

  test('run parameters: required, instance ids well formed, nothing undeclared', () => {
    const task = parseTaskDefinition(ROTATE_LOGS);
    expect(checkRunParameters(task, { instance: 'i-0123456789abcdef0' })).toEqual([]);
    expect(checkRunParameters(task, {}).map((p) => p.message)).toEqual(['required']);
    expect(checkRunParameters(task, { instance: 'web-1; rm -rf /', extra: 'x' }).map((p) => p.path)).toEqual([
      'params.instance',
      'params.extra',
    ]);
    expect(render('rotating on {{ instance }}', { instance: 'i-1' })).toBe('rotating on i-1');
  });

  test('hostile files: only TaskDefinitionError, no prototype pollution, alias bombs bounded', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.json().map((j) => j),
      fc.constantFrom(
        '__proto__:\n  polluted: yes\nname: t\nsteps: []\n',
        '{"__proto__": {"polluted": true}, "name": "t", "steps": [{"action": "wait", "seconds": 1}]}',
        'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
        '- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -',
        '!!js/function "function(){}"',
        'name: ' + 'a'.repeat(70000),
      ),
    );
    fc.assert(
      fc.property(hostile, (source) => {
        try {
          parseTaskDefinition(source);
        } catch (err) {
          expect(err).toBeInstanceOf(TaskDefinitionError);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });
});
