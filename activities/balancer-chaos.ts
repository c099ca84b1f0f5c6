import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  ANSWER_METRICS,
  BALANCER_NAMESPACE,
  ROUTED_METRIC,
  routesToGroups,
  type BalancingClients,
} from './balancer-view';

/** Ten-second datapoints over the last half hour, as the emulated agents publish theirs. */
const POINTS = 180;
const SPACING_MS = 10_000;
const PER_CALL = 100;

/**
 * The balancer's side of a group that stopped serving, for the emulator (real AWS reserves the `AWS/`
 * namespaces to its services, which publish these themselves): half an hour of `perMember` requests
 * a datapoint routed to each member, still routed now, the last `silentMs` of them answered by nobody.
 * Returns the balancers, as CloudWatch names them; none when the group is behind no balancer.
 */
export function createBalancerChaos(clients: BalancingClients & { cloudwatch: CloudWatchClient }) {
  async function publishRoute(
    dimensions: { Name: string; Value: string }[],
    metric: string,
    values: number[],
    newestAt: number,
  ): Promise<void> {
    for (let from = 0; from < values.length; from += PER_CALL)
      await clients.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: BALANCER_NAMESPACE,
          MetricData: values.slice(from, from + PER_CALL).map((value, j) => ({
            MetricName: metric,
            Dimensions: dimensions,
            Timestamp: new Date(newestAt - (values.length - 1 - (from + j)) * SPACING_MS),
            Value: value,
            Unit: 'Count',
          })),
        }),
      );
  }

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
      const dimensions = [
        { Name: 'TargetGroup', Value: route.targetGroup },
        { Name: 'LoadBalancer', Value: route.loadBalancer },
      ];
      await publishRoute(dimensions, ROUTED_METRIC, routed, now);
      await publishRoute(dimensions, ANSWER_METRICS[0], answered, now - silentMs);
    }
    return [...new Set(routes.map((r) => r.loadBalancer))];
  }

  return { routedUnanswered };
}
