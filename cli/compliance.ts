import type { Client, ScheduleOptions } from '@temporalio/client';
import { COMPLIANCE_CONTROLS } from '../domain/compliance';
import { TASK_QUEUES } from '../domain/config';
import { complianceScheduleId } from '../domain/ids';
import type { Mode } from '../domain/incident';
import type { ComplianceScanRequest, ComplianceScanResult } from '../workflows/compliance';
import { everyFlag, fleetFlag, parseFlags, UsageError } from './args';

type WithTemporal = <T>(fn: (client: Client) => Promise<T>) => Promise<T>;

function modeFlag(value: string | undefined): Mode {
  const mode = value ?? 'manual';
  if (mode !== 'auto' && mode !== 'manual')
    throw new UsageError(`--mode must be auto or manual, got "${mode}"`);
  return mode;
}

/** The schedule `medic schedule create compliance --fleet NAME --every 24h` creates. */
export function complianceScheduleOptions(args: string[]): ScheduleOptions {
  const flags = parseFlags(args, {
    fleet: { type: 'string' },
    every: { type: 'string' },
    mode: { type: 'string' },
  });
  const fleet = fleetFlag(flags.fleet);
  const ms = everyFlag(flags.every);
  const request: ComplianceScanRequest = { fleet, mode: modeFlag(flags.mode) };
  return {
    scheduleId: complianceScheduleId(fleet),
    spec: { intervals: [{ every: ms }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'complianceScanWorkflow',
      taskQueue: TASK_QUEUES.security,
      workflowId: `compliance-scan-${fleet}-scheduled`,
      args: [request],
    },
    policies: { overlap: 'SKIP' },
  };
}

/** `medic compliance scan --fleet NAME [--mode manual|auto] [--json]`: one scan now, its findings printed. */
export async function complianceCommand(sub: string | undefined, args: string[], withTemporal: WithTemporal) {
  if (sub !== 'scan') throw new UsageError(`unknown compliance command "${sub ?? ''}"; one of scan`);
  const flags = parseFlags(args, {
    fleet: { type: 'string' },
    mode: { type: 'string' },
    json: { type: 'boolean' },
  });
  const request: ComplianceScanRequest = { fleet: fleetFlag(flags.fleet), mode: modeFlag(flags.mode) };
  const result = await withTemporal((client) =>
    client.workflow.execute<(r: ComplianceScanRequest) => Promise<ComplianceScanResult>>(
      'complianceScanWorkflow',
      {
        taskQueue: TASK_QUEUES.security,
        workflowId: `compliance-scan-${request.fleet}-${Date.now()}`,
        args: [request],
      },
    ),
  );
  if (flags.json) return console.log(JSON.stringify(result));
  if (result.findings.length === 0) return console.log(`fleet ${result.fleet}: every control met`);
  for (const f of result.findings)
    console.log(
      `${f.severity.padEnd(8)} ${f.control.padEnd(20)} ${f.resourceId}  ${f.created ? 'opened' : 'still open'} ${f.incidentId}\n         ${f.detail} — ${COMPLIANCE_CONTROLS[f.control].frameworks.join('; ')}`,
    );
}
