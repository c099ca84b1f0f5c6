import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  ANSWER_METRICS,
  BALANCER_NAMESPACE,
  ROUTED_METRIC,
  routeDimensions,
  routesToGroups,
  type BalancingClients,
} from './balancer-view';
import { putSeries } from './chaos';

/** Ten-second datapoints over the last half hour, as the emulated agents publish theirs. */
const POINTS = 180;
const SPACING_MS = 10_000;

/**
 * The balancer's side of a group that stopped serving, for the emulator (real AWS reserves the `AWS/`
 * namespaces to its services, which publish these themselves): half an hour of `perMember` requests
 * a datapoint routed to each member, still routed now, the last `silentMs` of them answered by nobody.
 * Returns the balancers, as CloudWatch names them; none when the group is behind no balancer.
 */
export function createBalancerChaos(clients: BalancingClients & { cloudwatch: CloudWatchClient }) {
  async function routedUnanswered(
    group: string,
    members: number,
    { perMember = 400, silentMs = 60_000 } = {},
  ): Promise<string[]> {
    const routes = (await routesToGroups(clients, [group])).get(group) ?? [];
    const now = Date.now();
    const routed = Array.from({ length: POINTS }, () => members * perMember);
    const answered = routed.slice(0, POINTS - silentMs / SPACING_MS);
    for (const route of routes) {
      const series = (metric: string) => ({
        namespace: BALANCER_NAMESPACE,
        metric,
        dimensions: routeDimensions(route).map((d) => ({ Name: d.name, Value: d.value })),
        unit: 'Count' as const,
      });
      await putSeries(clients.cloudwatch, series(ROUTED_METRIC), routed, now);
      await putSeries(clients.cloudwatch, series(ANSWER_METRICS[0]), answered, now - silentMs);
    }
    return [...new Set(routes.map((r) => r.loadBalancer))];
  }

  return { routedUnanswered };
}
