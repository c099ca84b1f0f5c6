import { decideCapacity } from '../../domain/scaling/reactive';

const policy = { targetCpuPercent: 60, minSize: 1, maxSize: 6, cooldownSeconds: 300 };

describe('reactive scaling rule', () => {
  test('scales out to what the load needs, within the maximum', () => {
    expect(decideCapacity(2, 95, policy, 1000).desired).toBe(4);
    expect(decideCapacity(4, 100, policy, 1000).desired).toBe(6);
  });
  test('scales in only when well below target, never under the minimum', () => {
    expect(decideCapacity(4, 57, policy, 1000).desired).toBe(4);
    expect(decideCapacity(4, 10, policy, 1000).desired).toBe(1);
  });
  test('holds during the cool-down, but always restores the bounds', () => {
    expect(decideCapacity(2, 99, policy, 10)).toMatchObject({
      desired: 2,
      reason: expect.stringContaining('cooling down') as unknown,
    });
    expect(decideCapacity(9, 50, policy, 10).desired).toBe(6);
  });
});
