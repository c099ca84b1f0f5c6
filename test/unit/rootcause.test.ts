import type { ResourceGraph } from '../../domain/rootcause/graph';
import { blastRadius, dependentsOf } from '../../domain/rootcause/graph';
import {
  LINEAR_ROOT_CAUSE_MODEL,
  rankRootCauses,
  SHIPPED_ROOT_CAUSE_MODEL,
} from '../../domain/rootcause/ranking';
import { byModel, byOwnScore, rootCauseAccuracy, trainRootCauseModel } from '../../domain/rootcause/training';
import { trainPropagationModel } from '../../domain/rootcause/propagation-training';
import { BINS } from '../../domain/rootcause/propagation';
import { SHIPPED_PROPAGATION_MODEL } from '../../domain/rootcause/shipped-propagation';
import { DEFAULT_CASCADE_NOISE } from '../../domain/rootcause/cascade-simulator';
import {
  fleetGraph,
  isFaultEvidence,
  rankLiveIncidents,
  type RootCauseRanking,
} from '../../domain/rootcause/live';
import { describeRanking, likelyCauseOf } from '../../domain/rootcause/report';

const graph: ResourceGraph = {
  nodes: [
    { id: 'alb', kind: 'load-balancer' },
    { id: 'i-1', kind: 'instance' },
    { id: 'i-2', kind: 'instance' },
    { id: 'i-3', kind: 'instance' },
    { id: 'vol-1', kind: 'volume' },
    { id: 'vol-2', kind: 'volume' },
    { id: 'vol-3', kind: 'volume' },
    { id: 'db', kind: 'database' },
  ],
  dependsOn: {
    alb: ['i-1', 'i-2', 'i-3'],
    'i-1': ['vol-1', 'db'],
    'i-2': ['vol-2', 'db'],
    'i-3': ['vol-3', 'db'],
  },
};

describe('dependency graph', () => {
  test("a database's blast radius is every instance using it and the load balancer above them", () => {
    expect([...blastRadius('db', dependentsOf(graph))].sort()).toEqual(['alb', 'i-1', 'i-2', 'i-3']);
    expect([...blastRadius('vol-2', dependentsOf(graph))].sort()).toEqual(['alb', 'i-2']);
    expect(blastRadius('alb', dependentsOf(graph)).size).toBe(0);
  });
});

describe.each([SHIPPED_ROOT_CAUSE_MODEL, LINEAR_ROOT_CAUSE_MODEL])(
  'root-cause ranking ($version)',
  (model) => {
    test('a quiet database behind every alarming instance ranks first, above the loudest symptom', () => {
      const ranked = rankRootCauses(graph, { alb: 0.99, 'i-1': 0.8, 'i-2': 0.7, 'i-3': 0.9, db: 0.3 }, model);
      expect(ranked[0]?.resource).toBe('db');
    });

    test('a failing volume outranks the instance that shows it', () => {
      const ranked = rankRootCauses(graph, { 'vol-2': 0.9, 'i-2': 0.95, alb: 0.7 }, model);
      expect(ranked[0]?.resource).toBe('vol-2');
    });

    test('an instance alarming alone, with healthy dependencies, is its own root cause', () => {
      expect(rankRootCauses(graph, { 'i-3': 0.9, alb: 0.6 }, model)[0]?.resource).toBe('i-3');
    });
  },
);

describe('learning the ranking', () => {
  test('trained on simulated cascades it beats "the strongest anomaly" by a wide margin on held-out ones', () => {
    const model = trainRootCauseModel(21, 800);
    const learned = rootCauseAccuracy('model', byModel(model), 77, 500);
    const naive = rootCauseAccuracy('naive', byOwnScore, 77, 500);
    expect(learned.top1).toBeGreaterThan(naive.top1 + 0.25);
    expect(learned.top3).toBeGreaterThanOrEqual(learned.top1);
    expect(trainRootCauseModel(21, 100)).toEqual(trainRootCauseModel(21, 100));
  });

  test("the propagation model learns the simulator's propagation rate and beats the linear model on held-out cascades", () => {
    const model = trainPropagationModel(21, 800);
    expect(model.propagation).toBeGreaterThan(DEFAULT_CASCADE_NOISE.propagation - 0.03);
    expect(model.propagation).toBeLessThan(DEFAULT_CASCADE_NOISE.propagation + 0.03);
    // Roots show strong anomalies, untouched resources weak ones.
    expect(model.root[BINS - 1]).toBeGreaterThan(model.unaffected[BINS - 1] ?? Infinity);
    expect(model.unaffected[0]).toBeGreaterThan(model.root[0] ?? Infinity);
    const propagation = rootCauseAccuracy('propagation', byModel(model), 78, 800);
    const linear = rootCauseAccuracy('linear', byModel(trainRootCauseModel(21, 800)), 78, 800);
    expect(propagation.top1).toBeGreaterThan(linear.top1);
  });

  test('the shipped propagation model is what its training code makes', () => {
    expect({ ...trainPropagationModel(1, 3000), version: SHIPPED_PROPAGATION_MODEL.version }).toEqual(
      SHIPPED_PROPAGATION_MODEL,
    );
  });
});

/** Three instances in one security group and subnet, i-a and i-b tagged with the database db-orders. */
const databaseFleet = (extra: { loadBalancers?: string[] } = {}) =>
  fleetGraph(
    ['i-a', 'i-b', 'i-c'].map((instanceId) => ({
      instanceId,
      volumeIds: [`vol-${instanceId}`],
      securityGroupIds: ['sg-web'],
      subnetId: 'subnet-1',
      ...(instanceId === 'i-c' ? {} : { databases: ['db-orders'] }),
      ...extra,
    })),
  );

describe('ranking a live fleet', () => {
  // Two instances behind one security group and subnet, as EC2 describes the demo's fleet.
  const fleet = fleetGraph(
    ['i-a', 'i-b', 'i-c'].map((instanceId) => ({
      instanceId,
      volumeIds: [`vol-${instanceId}`],
      securityGroupIds: ['sg-web'],
      subnetId: 'subnet-1',
    })),
  );

  test("a security group open to the world is not evidence of a sibling's fault: nothing to rank", () => {
    const ranking = rankLiveIncidents(
      fleet,
      [
        { resourceId: 'i-a', severity: 'medium', kind: 'cpu-high' },
        { resourceId: 'sg-web', severity: 'critical', kind: 'security-group-open' },
        { resourceId: 'i-b', severity: 'high', kind: 'instance-stopped' },
        { resourceId: 'i-c', severity: 'medium', kind: 'restart-requested' },
      ],
      SHIPPED_ROOT_CAUSE_MODEL,
    );
    expect(ranking).toBeUndefined();
  });

  test('faults on the instances behind one group are ranked, and only they count as alarming', () => {
    const ranking = rankLiveIncidents(
      fleet,
      [
        { resourceId: 'i-a', severity: 'critical', kind: 'status-check-failed' },
        { resourceId: 'i-b', severity: 'critical', kind: 'status-check-failed' },
        { resourceId: 'i-c', severity: 'medium', kind: 'cpu-high' },
        { resourceId: 'sg-web', severity: 'critical', kind: 'security-group-open' },
        { resourceId: 'i-x', severity: 'critical', kind: 'cpu-high' },
      ],
      SHIPPED_ROOT_CAUSE_MODEL,
    );
    expect(ranking?.alarming).toEqual(['i-a', 'i-b', 'i-c']);
    // Every instance alarming at once points at what they share and what can fail their status
    // checks: the subnet, not the security group.
    expect(ranking?.top[0]?.resource).toBe('subnet-1');
    expect(ranking?.top.map((c) => c.resource)).not.toContain('sg-web');
    expect(isFaultEvidence('traffic-flood')).toBe(true);
    expect(isFaultEvidence(undefined)).toBe(false);
  });

  test('two instances running hot together are each their own cause: a group or a subnet does not run CPU hot', () => {
    const open = [
      { resourceId: 'i-a', severity: 'medium' as const, kind: 'cpu-high' },
      { resourceId: 'i-b', severity: 'medium' as const, kind: 'cpu-high' },
      { resourceId: 'sg-web', severity: 'critical' as const, kind: 'security-group-open' },
    ];
    const ranking = rankLiveIncidents(fleet, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-b');
    expect(ranking?.top.map((c) => c.resource).sort()).toEqual(['i-a', 'i-b']);
    expect(ranking?.causeOfResource).toBe('i-b');
    // Equal scores of two unrelated instances rank coincidences: the line says so instead of listing them.
    expect(ranking?.independent).toBe(true);
    expect(describeRanking(ranking!, 'i-b')).toBe(
      'Root-cause ranking (rootcause-propagation-1): 2 resources alarm together (i-a, i-b), but nothing they ' +
        'share can cause their symptoms and none depends on another, so each alarm is its own cause. ' +
        'i-b itself is the likeliest cause.',
    );
    // An incident on a third instance that is not a fault (stopped, a restart asked for): none of
    // the causes is its own or its dependencies', so the ranking is not its to show.
    expect(rankLiveIncidents(fleet, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-c')).toBeUndefined();
  });

  test("alarms that share no cause still name a dependency that is one instance's own cause", () => {
    const open = [
      { resourceId: 'i-a', severity: 'critical' as const, kind: 'status-check-failed' },
      { resourceId: 'i-b', severity: 'medium' as const, kind: 'cpu-high' },
    ];
    const ranking = rankLiveIncidents(fleet, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-a')!;
    expect(ranking.independent).toBe(true);
    const line = describeRanking(ranking, 'i-a');
    if (ranking.causeOfResource === 'i-a') expect(line).toContain('each alarm is its own cause');
    else {
      // A dependency that can fail i-a's status checks but not run i-b hot: a cause of i-a alone, shown
      // as a ranking, not as coincidences.
      const cause = ranking.causeOfResource ?? '';
      expect(['vol-i-a', 'subnet-1']).toContain(cause);
      expect(line).toContain(`The likeliest cause is ${cause}, not i-a`);
      expect(line).not.toContain('each alarm is its own cause');
    }
  });

  test('instances surging together are each their own cause: nothing they share sends them traffic', () => {
    const open = ['i-a', 'i-b'].map((resourceId) => ({
      resourceId,
      severity: 'medium' as const,
      kind: 'traffic-surge',
    }));
    expect(isFaultEvidence('traffic-surge')).toBe(true);
    const ranking = rankLiveIncidents(fleet, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-a');
    expect(ranking?.alarming).toEqual(['i-a', 'i-b']);
    expect(ranking?.independent).toBe(true);
    expect(ranking?.causeOfResource).toBe('i-a');
  });

  test("one instance failing its checks among unrelated alarms is its own cause, not the subnet it shares with quiet ones (make demo's AUTO)", () => {
    const open = [
      { resourceId: 'i-a', severity: 'critical' as const, kind: 'status-check-failed' },
      { resourceId: 'i-b', severity: 'medium' as const, kind: 'cpu-high' },
      { resourceId: 'i-c', severity: 'high' as const, kind: 'egress-surge' },
    ];
    const ranking = rankLiveIncidents(fleet, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-a');
    expect(ranking?.independent).toBe(true);
    expect(ranking?.causeOfResource).toBe('i-a');
    expect(describeRanking(ranking!, 'i-a')).toMatch(
      /so each alarm is its own cause\. i-a itself is the likeliest cause\.$/,
    );
  });

  test('a member not serving beside a sibling running slow is its own cause: its siblings serve through what they share', () => {
    const open = [
      { resourceId: 'i-a', severity: 'high' as const, kind: 'not-serving' },
      { resourceId: 'i-b', severity: 'high' as const, kind: 'latency-high' },
    ];
    expect(isFaultEvidence('not-serving')).toBe(true);
    const ranking = rankLiveIncidents(fleet, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-a');
    // The group ranks first for the sibling's latency, which it can cause; it is not i-a's cause.
    expect(ranking?.top[0]?.resource).toBe('sg-web');
    expect(ranking?.causeOfResource).toBe('i-a');
  });

  test('members that stopped serving together point at what they share: the database only they use (decision 0067)', () => {
    const withDatabase = databaseFleet();
    const open = ['i-a', 'i-b'].map((resourceId) => ({
      resourceId,
      severity: 'critical' as const,
      kind: 'not-serving',
    }));
    const ranking = rankLiveIncidents(withDatabase, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-a');
    expect(ranking?.independent).toBeUndefined();
    expect(ranking?.causeOfResource).toBe('db-orders');
    expect(describeRanking(ranking!, 'i-a')).toContain('healing i-a alone may not last');
    // One member not serving beside another's unrelated fault: what they share is still not its cause.
    const alone = rankLiveIncidents(
      withDatabase,
      [
        { resourceId: 'i-a', severity: 'critical' as const, kind: 'not-serving' },
        { resourceId: 'i-b', severity: 'high' as const, kind: 'error-rate-rising' },
      ],
      SHIPPED_ROOT_CAUSE_MODEL,
      'i-a',
    );
    expect(alone?.causeOfResource).toBe('i-a');
  });

  test("a member dead beside serving siblings stays its own cause while another group's members stop together through what all share (make demo's DEAD and OUTAGE)", () => {
    const twoTiers = fleetGraph(
      [
        ['i-a', 'api'],
        ['i-b', 'api'],
        ['i-c', 'api'],
        ['i-d', 'web'],
        ['i-e', 'web'],
      ].map(([instanceId, group]) => ({
        instanceId: instanceId ?? '',
        ...(group ? { group } : {}),
        volumeIds: [`vol-${instanceId}`],
        securityGroupIds: ['sg-fleet'],
        subnetId: 'subnet-1',
      })),
    );
    const open = ['i-a', 'i-d', 'i-e'].map((resourceId) => ({
      resourceId,
      severity: 'critical' as const,
      kind: 'not-serving',
    }));
    // i-b and i-c serve through the same group and subnet as i-a: neither is its cause.
    expect(rankLiveIncidents(twoTiers, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-a')?.causeOfResource).toBe('i-a');
    // Nothing of web's still serves: what the tier shares may be its cause.
    const web = rankLiveIncidents(twoTiers, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-d');
    expect(['sg-fleet', 'subnet-1']).toContain(web?.causeOfResource);
    // One member of each tier down (the other web member serves): each is its own cause.
    const oneOfEach = rankLiveIncidents(twoTiers, open.slice(0, 2), SHIPPED_ROOT_CAUSE_MODEL, 'i-d');
    expect(oneOfEach?.causeOfResource).toBe('i-d');
  });

  test("one instance failing its checks stays its own cause while another tier's outage shares a cause elsewhere (make demo's AUTO beside OUTAGE)", () => {
    const tiers = fleetGraph([
      ...['i-a', 'i-b', 'i-c', 'i-f', 'i-g', 'i-h', 'i-i'].map((instanceId) => ({
        instanceId,
        volumeIds: [`vol-${instanceId}`],
        securityGroupIds: ['sg-fleet'],
        subnetId: 'subnet-1',
      })),
      ...['i-d', 'i-e'].map((instanceId) => ({
        instanceId,
        group: 'web',
        volumeIds: [`vol-${instanceId}`],
        securityGroupIds: ['sg-fleet'],
        subnetId: 'subnet-web',
      })),
    ]);
    const open = [
      { resourceId: 'i-a', severity: 'critical' as const, kind: 'status-check-failed' },
      // Three neighbours running hot, which no subnet causes, put evidence on subnet-1 all the same.
      ...['i-b', 'i-c', 'i-f'].map((resourceId) => ({
        resourceId,
        severity: 'high' as const,
        kind: 'cpu-high',
      })),
      ...['i-d', 'i-e'].map((resourceId) => ({
        resourceId,
        severity: 'critical' as const,
        kind: 'not-serving',
      })),
    ];
    const ranking = rankLiveIncidents(tiers, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-a');
    // The tier's outage shares a cause, so the alarms are not all independent...
    expect(ranking?.independent).toBeUndefined();
    expect(ranking?.top.map((c) => c.resource)).toContain('subnet-1');
    // ...but subnet-1 explains only i-a's checks, and six instances pass theirs through it.
    expect(ranking?.causeOfResource).toBe('i-a');
  });

  test("a dependency that explains one instance's alarm is not named the cause of a sibling's it cannot cause", () => {
    // The shared group can explain a compromised instance, not a CPU spike next to it.
    const open = [
      { resourceId: 'i-a', severity: 'critical' as const, kind: 'instance-compromised' },
      { resourceId: 'i-b', severity: 'medium' as const, kind: 'cpu-high' },
    ];
    const forB = rankLiveIncidents(fleet, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-b');
    expect(forB?.causeOfResource).toBe('i-b');
    expect(describeRanking(forB!, 'i-b')).not.toContain('may not last');
  });

  test('a latency rise on every instance behind one group can be the group', () => {
    const open = ['i-a', 'i-b', 'i-c'].map((resourceId) => ({
      resourceId,
      severity: 'high' as const,
      kind: 'latency-high',
    }));
    const ranking = rankLiveIncidents(fleet, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-a');
    expect(ranking?.independent).toBeUndefined();
    expect(['sg-web', 'subnet-1']).toContain(ranking?.top[0]?.resource);
    expect(ranking?.causeOfResource).toBe(ranking?.top[0]?.resource);
    expect(describeRanking(ranking!, 'i-a')).toContain('healing i-a alone may not last');
  });

  test('a database two instances share, tagged on them, is the likeliest cause of latency on both; the load balancer in front never is', () => {
    const withDatabase = databaseFleet({ loadBalancers: ['web-lb'] });
    expect(withDatabase.nodes).toEqual(
      expect.arrayContaining([
        { id: 'db-orders', kind: 'database' },
        { id: 'web-lb', kind: 'load-balancer' },
      ]),
    );
    expect(withDatabase.dependsOn['i-a']).toContain('db-orders');
    expect(withDatabase.dependsOn['i-c']).not.toContain('db-orders');
    expect(withDatabase.dependsOn['web-lb']).toEqual(['i-a', 'i-b', 'i-c']);
    const open = ['i-a', 'i-b'].map((resourceId) => ({
      resourceId,
      severity: 'high' as const,
      kind: 'latency-high',
    }));
    const ranking = rankLiveIncidents(withDatabase, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-b');
    // The group and the subnet reach i-c too, which is quiet; the database reaches exactly the two.
    expect(ranking?.top[0]?.resource).toBe('db-orders');
    expect(ranking?.causeOfResource).toBe('db-orders');
    expect(ranking?.top.map((c) => c.resource)).not.toContain('web-lb');
    expect(describeRanking(ranking!, 'i-b')).toContain('The likeliest cause is db-orders, not i-b');
    // Without the tag the same alarms point elsewhere: the graph, not the model, knew the database.
    const without = rankLiveIncidents(fleet, open, SHIPPED_ROOT_CAUSE_MODEL, 'i-b');
    expect(without?.top.map((c) => c.resource)).not.toContain('db-orders');
  });

  test('the likely cause of the resource is the one kept for it, else (recorded before) the first ranked', () => {
    const top = [
      { resource: 'i-b', score: 6.7 },
      { resource: 'i-a', score: 6.7 },
    ];
    expect(likelyCauseOf({ modelVersion: 'v', alarming: ['i-a', 'i-b'], top, causeOfResource: 'i-a' })).toBe(
      'i-a',
    );
    expect(likelyCauseOf({ modelVersion: 'v', alarming: ['i-a', 'i-b'], top })).toBe('i-b');
  });

  test('a ranking recorded before the cause of the resource was kept reads as it did then', () => {
    const recorded: RootCauseRanking = {
      modelVersion: 'rootcause-propagation-1',
      alarming: ['i-a', 'i-b'],
      top: [{ resource: 'sg-web', score: 6.12 }],
    };
    expect(describeRanking(recorded, 'i-a')).toContain('The likeliest cause is sg-web, not i-a');
  });

  test('the timeline line names what alarms, then the ranking, then what it means for this incident', () => {
    const ranking: RootCauseRanking = {
      modelVersion: 'rootcause-x',
      alarming: ['i-1', 'i-2', 'i-3', 'i-4', 'i-5', 'i-6', 'i-7'],
      top: [
        { resource: 'subnet-1', score: 6.1 },
        { resource: 'i-1', score: 1.2 },
      ],
    };
    const line = describeRanking(ranking, 'i-1');
    expect(line).toBe(
      'Root-cause ranking (rootcause-x) of 7 resources alarming together (i-1, i-2, i-3, i-4, i-5 and 2 more), ' +
        'likeliest cause first: 1. subnet-1 (6.10), 2. i-1 (1.20). ' +
        'The likeliest cause is subnet-1, not i-1: healing i-1 alone may not last.',
    );
  });
});
