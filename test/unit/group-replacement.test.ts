import { judgeGroupReplacement, type GroupMember } from '../../domain/group-replacement';

const member = (instanceId: string, lifecycleState = 'InService', healthStatus = 'Healthy'): GroupMember => ({
  instanceId,
  lifecycleState,
  healthStatus,
});

describe('judgeGroupReplacement (decision 0068)', () => {
  const gone = { instanceId: 'i-old', instanceState: 'terminated', group: 'web-asg', desiredCapacity: 2 };

  test('gone, with the desired count healthy and in service without it: its group replaced it', () => {
    expect(judgeGroupReplacement({ ...gone, members: [member('i-a'), member('i-new')] })).toEqual({
      replaced: true,
      detail:
        'i-old is terminated, and its Auto Scaling group web-asg has 2 of 2 desired members in service and healthy without it (i-a, i-new)',
    });
    expect(
      judgeGroupReplacement({
        ...gone,
        instanceState: 'not-found',
        members: [member('i-a'), member('i-new')],
      }).replaced,
    ).toBe(true);
  });

  test('not replaced while the instance is still there, the replacement is not in service or healthy yet, or the group is gone', () => {
    expect(
      judgeGroupReplacement({ ...gone, instanceState: 'running', members: [member('i-a'), member('i-new')] }),
    ).toEqual({ replaced: false, detail: 'i-old is still running' });
    expect(judgeGroupReplacement({ ...gone, members: [member('i-a'), member('i-new', 'Pending')] })).toEqual({
      replaced: false,
      detail: 'i-old is terminated, and web-asg has 1 of 2 desired members in service and healthy',
    });
    expect(
      judgeGroupReplacement({ ...gone, members: [member('i-a'), member('i-new', 'InService', 'Unhealthy')] })
        .replaced,
    ).toBe(false);
    // Still listed as in service (Auto Scaling has not caught up): it does not count for itself.
    expect(judgeGroupReplacement({ ...gone, members: [member('i-a'), member('i-old')] }).replaced).toBe(
      false,
    );
    expect(
      judgeGroupReplacement({ instanceId: 'i-old', instanceState: 'terminated', group: 'web-asg' }),
    ).toEqual({
      replaced: false,
      detail: 'i-old is gone, and so is its group web-asg',
    });
    expect(judgeGroupReplacement({ ...gone, desiredCapacity: 0, members: [] }).replaced).toBe(false);
  });
});
