import type { ResourceGraph } from '../../domain/rootcause/graph';
import { blastRadius, dependentsOf } from '../../domain/rootcause/graph';
import { rankRootCauses } from '../../domain/rootcause/ranking';
import { byModel, byOwnScore, rootCauseAccuracy, trainRootCauseModel } from '../../domain/rootcause/training';

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

describe('root-cause ranking', () => {
  test('a quiet database behind every alarming instance ranks first, above the loudest symptom', () => {
    const ranked = rankRootCauses(graph, { alb: 0.99, 'i-1': 0.8, 'i-2': 0.7, 'i-3': 0.9, db: 0.3 });
    expect(ranked[0]?.resource).toBe('db');
  });

  test('a failing volume outranks the instance that shows it', () => {
    const ranked = rankRootCauses(graph, { 'vol-2': 0.9, 'i-2': 0.95, alb: 0.7 });
    expect(ranked[0]?.resource).toBe('vol-2');
  });

  test('an instance alarming alone, with healthy dependencies, is its own root cause', () => {
    expect(rankRootCauses(graph, { 'i-3': 0.9, alb: 0.6 })[0]?.resource).toBe('i-3');
  });

  test('trained on simulated cascades it beats "the strongest anomaly" by a wide margin on held-out ones', () => {
    const model = trainRootCauseModel(21, 800);
    const learned = rootCauseAccuracy('model', byModel(model), 77, 500);
    const naive = rootCauseAccuracy('naive', byOwnScore, 77, 500);
    expect(learned.top1).toBeGreaterThan(naive.top1 + 0.25);
    expect(learned.top3).toBeGreaterThanOrEqual(learned.top1);
    expect(trainRootCauseModel(21, 100)).toEqual(trainRootCauseModel(21, 100));
  });
});
