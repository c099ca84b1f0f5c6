import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { evaluateIntents, parseLabelledSet } from '../../domain/intents/evaluate';
import { correctWord, editDistance } from '../../domain/intents/fuzzy';
import { INTENTS, parseIntent } from '../../domain/intents/parser';

describe('plain-language intents', () => {
  test.each([
    ['scale up my resources', 'scale_up', {}],
    ['scale web-asg to 6', 'scale_to', { group: 'web-asg', count: 6 }],
    ['restart i-0abc123', 'restart', { instanceId: 'i-0abc123' }],
    ['troubleshoot the upload issue', 'troubleshoot', { topic: 'upload' }],
    ['block 203.0.113.7', 'block_ip', { ip: '203.0.113.7' }],
    ['why was i-0abc123 rebooted?', 'explain', { instanceId: 'i-0abc123', action: 'reboot' }],
    ['what is open right now?', 'list_open', {}],
    ['approve incident-i-0abc123-cpu-high', 'approve', { incidentId: 'incident-i-0abc123-cpu-high' }],
  ])('the issue’s example "%s"', (text, intent, entities) => {
    const parsed = parseIntent(text);
    expect(parsed.intent).toBe(intent);
    expect(parsed.entities).toMatchObject(entities);
    expect(parsed.clarify).toBeUndefined();
  });

  test('a missing entity gets a question, not a guess', () => {
    expect(parseIntent('approve incident X')).toMatchObject({ intent: 'approve', missing: ['incidentId'] });
    expect(parseIntent('restart the server').clarify).toMatch(/Which instance/);
    expect(parseIntent('block 999.1.1.1')).toMatchObject({ intent: 'block_ip', missing: ['ip'] });
  });

  test('IPv6 addresses and ranges are addresses too; a time of day is not one', () => {
    expect(parseIntent('block 2001:db8:1:2::7')).toMatchObject({
      intent: 'block_ip',
      entities: { ip: '2001:db8:1:2::7' },
      missing: [],
    });
    expect(parseIntent('2001:DB8::/48 is attacking us, drop its traffic')).toMatchObject({
      intent: 'block_ip',
      entities: { ip: '2001:DB8::/48' },
    });
    // IPv4 written as IPv6 is read as the IPv4 it is, which is what a block denies.
    expect(parseIntent('ban ::ffff:203.0.113.9')).toMatchObject({ entities: { ip: '203.0.113.9' } });
    expect(parseIntent('block the traffic that started at 10:30:00')).toMatchObject({
      intent: 'block_ip',
      missing: ['ip'],
    });
  });

  test('any text: a known intent, and a question exactly when something is missing or unclear', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const parsed = parseIntent(text);
        expect(INTENTS).toContain(parsed.intent);
        expect(parsed.clarify !== undefined).toBe(parsed.missing.length > 0 || parsed.intent === 'unknown');
      }),
      { numRuns: 500 },
    );
  });

  test('the labelled development set stays answered (regression guard; `make eval` prints the held-out sets)', () => {
    const rows = parseLabelledSet(readFileSync(join(__dirname, '..', 'fixtures', 'intents.tsv'), 'utf8'));
    expect(rows.length).toBeGreaterThanOrEqual(200);
    const evaluation = evaluateIntents(rows);
    expect(evaluation.failures).toEqual([]);
  });

  test('a malformed labelled line is reported with its number', () => {
    expect(() => parseLabelledSet('scale_up\t\tok\nsing\t\tla la')).toThrow(/line 2: unknown intent "sing"/);
  });
});

describe('typo correction', () => {
  const naive = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
      Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(
          d[i - 1][j] + 1,
          d[i][j - 1] + 1,
          d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    return d[a.length][b.length];
  };

  test('the early-stopping distance agrees with the full table up to its limit', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (a, b) => {
        expect(editDistance(a, b, 2)).toBe(Math.min(naive(a, b), 3));
      }),
    );
  });

  test('typos map to the word; plurals and short words are left alone', () => {
    const vocabulary = new Set(['restart', 'scale', 'upload', 'run', 'why']);
    expect(correctWord('restrat', vocabulary)).toBe('restart');
    expect(correctWord('scael', vocabulary)).toBe('scale');
    expect(correctWord('uploads', vocabulary)).toBe('uploads');
    expect(correctWord('rnu', vocabulary)).toBe('run');
    expect(correctWord('who', vocabulary)).toBe('who');
  });
});
