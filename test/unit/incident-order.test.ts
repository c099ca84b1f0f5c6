import { byAttention } from '../../domain/incident';

describe('byAttention (how incident lists read)', () => {
  it('puts what is still being worked on above what is closed, each newest opened first', () => {
    // The visibility index's own order: running workflows first — a resolved incident still in its
    // flap cool-down among them — then the closed ones by closing time.
    const fromIndex = [
      { id: 'cooling-down', status: 'resolved', openedAt: '2026-11-27T10:05:00Z' },
      { id: 'awaiting', status: 'awaiting_approval', openedAt: '2026-11-27T10:01:00Z' },
      { id: 'remediating', status: 'remediating', openedAt: '2026-11-27T10:03:00Z' },
      { id: 'closed-late', status: 'declined', openedAt: '2026-11-27T09:00:00Z' },
      { id: 'closed-early', status: 'failed', openedAt: '2026-11-27T09:30:00Z' },
    ];
    expect([...fromIndex].sort(byAttention).map((i) => i.id)).toEqual([
      'remediating',
      'awaiting',
      'cooling-down',
      'closed-early',
      'closed-late',
    ]);
  });

  it('keeps an incident whose status the index has not recorded yet with the open ones', () => {
    const rows = [
      { id: 'resolved', status: 'resolved', openedAt: '2026-11-27T10:05:00Z' },
      { id: 'just-started', openedAt: '2026-11-27T10:00:00Z' },
    ];
    expect(rows.sort(byAttention).map((i) => i.id)).toEqual(['just-started', 'resolved']);
  });
});
