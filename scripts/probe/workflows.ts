import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ProbeActivities } from './activities';

/**
 * The baseline workload of `make bench`: the least a Temporal workflow can do. The bench compares
 * cloud-medic's figures with this one's on the same machine, in the same run.
 */
export const goSignal = defineSignal('go');
const { probeStep } = proxyActivities<ProbeActivities>({ startToCloseTimeout: '1 minute' });

export interface ProbeInput {
  /** Wait for the `go` signal before the activities (signal → activity latency). */
  waitForGo: boolean;
  /** Activities run one after another (an incident runs several). */
  steps: number;
}

/** Returns when each activity started (epoch ms), so the caller can time the path to it. */
export async function probeWorkflow(input: ProbeInput): Promise<number[]> {
  let go = !input.waitForGo;
  setHandler(goSignal, () => {
    go = true;
  });
  await condition(() => go);
  const started: number[] = [];
  for (let i = 0; i < input.steps; i++) started.push(await probeStep(i));
  return started;
}
