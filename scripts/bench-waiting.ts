import {
  CreateSubnetCommand,
  CreateVpcCommand,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { Client } from '@temporalio/client';
import type { AwsClients } from '../activities/aws-clients';
import { createFleet } from '../activities/fleet';
import { FLEET_TAG, MODE_TAG } from '../activities/tags';
import type { ApiClient } from '../cli/api-client';
import { pct, pool, stackRssMiB, table, timed } from './bench-support';

/**
 * Many MANUAL incidents open at once, each waiting durably for a person: how fast they open, what
 * the worker and API hold in memory while they wait, and how the list and decision routes answer
 * with that many open. Ends by declining every one, so nothing is left waiting.
 */
export async function waitingBench(
  aws: AwsClients,
  api: ApiClient,
  temporal: Client,
  options: { incidents: number; run: string },
): Promise<string> {
  const fleet = `wait-${options.run}`;
  const base = await createFleet(aws, { fleet, size: 1, manualCount: 1 });
  // The fleet's subnet is a /24; thousands of instances get a VPC of their own, one /24 per 250.
  const vpc = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.250.0.0/16' }));
  const ids: string[] = [];
  const BATCH = 250;
  const launchStart = performance.now();
  for (let block = 0; ids.length < options.incidents; block++) {
    const subnet = await aws.ec2.send(
      new CreateSubnetCommand({ VpcId: vpc.Vpc?.VpcId, CidrBlock: `10.250.${block}.0/24` }),
    );
    const count = Math.min(BATCH, options.incidents - ids.length);
    const out = await aws.ec2.send(
      new RunInstancesCommand({
        MinCount: count,
        MaxCount: count,
        SubnetId: subnet.Subnet?.SubnetId,
        LaunchTemplate: { LaunchTemplateId: base.launchTemplateId },
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { Key: FLEET_TAG, Value: fleet },
              { Key: MODE_TAG, Value: 'manual' },
            ],
          },
        ],
      }),
    );
    const launched = (out.Instances ?? []).map((i) => i.InstanceId as string);
    await aws.ec2.send(new StopInstancesCommand({ InstanceIds: launched }));
    ids.push(...launched);
  }
  const launchSeconds = (performance.now() - launchStart) / 1000;
  const rssBefore = { worker: stackRssMiB('worker'), api: stackRssMiB('api') };

  const created: string[] = [];
  const openStart = performance.now();
  await pool(ids, 20, async (resourceId) => {
    const r = await api.request<{ id: string }>('POST', '/incidents', {
      resourceId,
      kind: 'instance-stopped',
      mode: 'manual',
      summary: 'bench: waiting for a person',
    });
    created.push(r.id);
  });
  const openSeconds = (performance.now() - openStart) / 1000;

  // Every incident must reach awaiting_approval: counted by the server's visibility store.
  let waiting = 0;
  while (performance.now() - openStart < 30 * 60_000) {
    waiting = Math.min(created.length, await countWaiting(temporal));
    if (waiting >= created.length) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const allWaitingSeconds = (performance.now() - openStart) / 1000;
  const rssWaiting = { worker: stackRssMiB('worker'), api: stackRssMiB('api') };

  const list: number[] = [];
  const show: number[] = [];
  for (let i = 0; i < 100; i++) {
    await timed(list, () => api.request('GET', '/incidents?status=awaiting_approval&limit=100'));
    await timed(show, () => api.request('GET', `/incidents/${created[(i * 97) % created.length]}`));
  }
  const decision: number[] = [];
  const declineStart = performance.now();
  let refused = 0;
  await pool(created, 20, async (id) => {
    try {
      await timed(decision, () =>
        api.request('POST', `/incidents/${id}/decision`, { decision: 'decline', by: 'bench' }),
      );
    } catch {
      refused++;
    }
  });
  const declineSeconds = (performance.now() - declineStart) / 1000;

  const ms = (x: number) => x.toFixed(0);
  return [
    `waiting MANUAL incidents — ${created.length} open at once (launch + stop ${ids.length} emulated instances: ${launchSeconds.toFixed(0)} s)`,
    '',
    table(
      ['figure', 'value'],
      [
        [
          'opened over the API',
          `${(created.length / openSeconds).toFixed(0)} incidents/s (${openSeconds.toFixed(0)} s)`,
        ],
        ['all awaiting approval after', `${allWaitingSeconds.toFixed(0)} s (${waiting} counted)`],
        ['worker RSS before → all waiting', `${ms(rssBefore.worker)} → ${ms(rssWaiting.worker)} MiB`],
        ['API RSS before → all waiting', `${ms(rssBefore.api)} → ${ms(rssWaiting.api)} MiB`],
        [
          'GET /incidents?status=awaiting_approval&limit=100',
          `p50 ${ms(pct(list, 50))} ms, p99 ${ms(pct(list, 99))} ms`,
        ],
        [
          'GET /incidents/:id (query on a waiting workflow)',
          `p50 ${ms(pct(show, 50))} ms, p99 ${ms(pct(show, 99))} ms`,
        ],
        [
          'POST /incidents/:id/decision (decline, 20 at once)',
          `p50 ${ms(pct(decision, 50))} ms, p99 ${ms(pct(decision, 99))} ms, ${(created.length / declineSeconds).toFixed(0)}/s, ${refused} refused`,
        ],
      ],
    ),
  ].join('\n');
}

async function countWaiting(temporal: Client): Promise<number> {
  const { count } = await temporal.workflow.count(
    `WorkflowType = 'incidentWorkflow' AND ExecutionStatus = 'Running' AND MedicStatus = 'awaiting_approval'`,
  );
  return count;
}
