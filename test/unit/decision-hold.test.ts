import { decisionHold, DECISION_HOLDS } from '../../domain/decision-hold';

describe("a person's answer holds a finding that stays", () => {
  const closedAt = new Date('2026-11-29T10:00:00Z');
  const at = (iso: string) => new Date(iso);

  test('a decline or "by hand" holds until the hold is over, then the finding may be asked again', () => {
    expect(
      decisionHold({ outcome: 'declined', closedAt }, DECISION_HOLDS.exposure, at('2026-11-30T09:59:00Z')),
    ).toEqual({
      outcome: 'declined',
      until: '2026-11-30T10:00:00.000Z',
    });
    expect(
      decisionHold({ outcome: 'manual', closedAt }, DECISION_HOLDS.flood, at('2026-11-29T10:30:00Z')),
    ).toEqual({
      outcome: 'manual',
      until: '2026-11-29T11:00:00.000Z',
    });
    expect(
      decisionHold({ outcome: 'declined', closedAt }, DECISION_HOLDS.flood, at('2026-11-29T11:00:00Z')),
    ).toBeUndefined();
  });

  test('nobody answering, a fix, or a failure holds nothing back', () => {
    for (const outcome of ['escalated', 'resolved', 'failed', 'dry_run', undefined])
      expect(
        decisionHold({ outcome, closedAt }, DECISION_HOLDS.exposure, at('2026-11-29T10:01:00Z')),
      ).toBeUndefined();
    expect(
      decisionHold({ outcome: 'declined', closedAt: undefined }, DECISION_HOLDS.exposure, closedAt),
    ).toBeUndefined();
  });
});
