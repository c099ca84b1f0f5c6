import { DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { MetricPoint } from '../domain/detection';
import type { BalancerView } from '../domain/serving';
import { MAX_METRIC_QUERIES, perSecond, readMetricQueries } from './metrics';

/** Where a balancer publishes what it routes to a target group and what the targets answer. */
export const BALANCER_NAMESPACE = 'AWS/ApplicationELB';
export const ROUTED_METRIC = 'RequestCount';
/** Responses the targets generated, by class: any of them means the application answered. */
export const ANSWER_METRICS = [
  'HTTPCode_Target_2XX_Count',
  'HTTPCode_Target_3XX_Count',
  'HTTPCode_Target_4XX_Count',
  'HTTPCode_Target_5XX_Count',
] as const;

/** One target group behind one balancer, by the dimension values CloudWatch names them with. */
export interface BalancerRoute {
  /** `targetgroup/web-tg/73e2d6bc24d8a067` */
  targetGroup: string;
  /** `app/web-lb/50dc6c495c0c9188` */
  loadBalancer: string;
  loadBalancerArn: string;
}

export interface BalancingClients {
  autoscaling: AutoScalingClient;
  elbv2: ElasticLoadBalancingV2Client;
}

/** Names per DescribeAutoScalingGroups call, and target group ARNs per DescribeTargetGroups call (the APIs' limits). */
const GROUPS_PER_CALL = 50;
const TARGET_GROUPS_PER_CALL = 20;

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** The routes each Auto Scaling group is behind: its attached target groups, each on each balancer using it. */
export async function routesToGroups(
  clients: BalancingClients,
  groups: string[],
): Promise<Map<string, BalancerRoute[]>> {
  const targetGroupsOf = new Map<string, string[]>();
  for (const names of chunks(groups, GROUPS_PER_CALL)) {
    const out = await clients.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names }),
    );
    for (const g of out.AutoScalingGroups ?? [])
      if (g.AutoScalingGroupName) targetGroupsOf.set(g.AutoScalingGroupName, g.TargetGroupARNs ?? []);
  }
  const balancersOf = new Map<string, string[]>();
  const arns = [...new Set([...targetGroupsOf.values()].flat())];
  for (const batch of chunks(arns, TARGET_GROUPS_PER_CALL)) {
    const out = await clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: batch }));
    for (const tg of out.TargetGroups ?? [])
      if (tg.TargetGroupArn) balancersOf.set(tg.TargetGroupArn, tg.LoadBalancerArns ?? []);
  }
  const routes = new Map<string, BalancerRoute[]>();
  for (const [group, targetGroups] of targetGroupsOf)
    routes.set(
      group,
      targetGroups.flatMap((tgArn) =>
        (balancersOf.get(tgArn) ?? []).map((lbArn) => ({
          targetGroup: tgArn.split(':').at(-1) ?? tgArn,
          loadBalancer: lbArn.split(':loadbalancer/')[1] ?? lbArn,
          loadBalancerArn: lbArn,
        })),
      ),
    );
  return routes;
}

/** The dimensions CloudWatch publishes a route's metrics under. */
export const routeDimensions = (route: BalancerRoute) => [
  { name: 'TargetGroup', value: route.targetGroup },
  { name: 'LoadBalancer', value: route.loadBalancer },
];

/** Datapoints of several series added up at each time (the routes of one group). */
function sumByTime(series: MetricPoint[][]): MetricPoint[] {
  const total = new Map<string, number>();
  for (const points of series) for (const p of points) total.set(p.at, (total.get(p.at) ?? 0) + p.value);
  return [...total].sort(([a], [b]) => a.localeCompare(b)).map(([at, value]) => ({ at, value }));
}

/**
 * What the balancers in front of each group saw over the read: the requests they routed to the
 * group and the responses its targets returned, each a second. Groups behind no balancer have no view.
 */
export async function readBalancerViews(
  clients: BalancingClients & { cloudwatch: CloudWatchClient },
  groups: string[],
  since: Date,
  until: Date,
  periodSeconds: number,
): Promise<BalancerView[]> {
  if (groups.length === 0) return [];
  const query = (metric: string, route: BalancerRoute) => ({
    namespace: BALANCER_NAMESPACE,
    metric,
    dimensions: routeDimensions(route),
    stat: 'Sum',
  });
  // Each route's routed requests, then its answers by class, all in one GetMetricData call: as many
  // routes as its 500 queries hold (a scan with more silent groups reads the rest next time).
  const metrics = [ROUTED_METRIC, ...ANSWER_METRICS];
  const routes = [...(await routesToGroups(clients, groups))]
    .flatMap(([group, behind]) => behind.map((route) => ({ group, route })))
    .slice(0, Math.floor(MAX_METRIC_QUERIES / metrics.length));
  // CloudWatch refuses a call with no query: groups behind no balancer end here.
  if (routes.length === 0) return [];
  const series = await readMetricQueries(
    clients.cloudwatch,
    routes.flatMap(({ route }) => metrics.map((metric) => query(metric, route))),
    since,
    until,
    periodSeconds,
  );
  const read = routes.map((r, i) => {
    const [routed = [], ...answers] = series.slice(i * metrics.length, (i + 1) * metrics.length);
    return { ...r, routed, answers };
  });
  const views: BalancerView[] = [];
  for (const group of new Set(read.map((r) => r.group))) {
    const mine = read.filter((r) => r.group === group);
    views.push({
      group,
      balancers: [...new Set(mine.map((r) => r.route.loadBalancer))],
      routed: perSecond(sumByTime(mine.map((r) => r.routed)), periodSeconds),
      answered: perSecond(sumByTime(mine.flatMap((r) => r.answers)), periodSeconds),
    });
  }
  return views;
}
