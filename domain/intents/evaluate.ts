import { INTENTS, parseIntent, type Entities, type Intent } from './parser';

/** One labelled utterance: the intent, the entities it must yield, and the ones it must ask for. */
export interface LabelledUtterance {
  line: number;
  text: string;
  intent: Intent;
  entities: Partial<Record<keyof Entities, string>>;
  mustAsk: (keyof Entities)[];
}

/** Reads `intent<TAB>k=v,?k<TAB>utterance` lines; `#` starts a comment. Throws naming the line. */
export function parseLabelledSet(tsv: string): LabelledUtterance[] {
  const rows: LabelledUtterance[] = [];
  for (const [index, raw] of tsv.split('\n').entries()) {
    if (raw.startsWith('#') || raw.trim() === '') continue;
    const [intent, spec = '', text = ''] = raw.split('\t');
    if (!(INTENTS as readonly string[]).includes(intent ?? ''))
      throw new Error(`line ${index + 1}: unknown intent "${intent ?? ''}"`);
    const entities: LabelledUtterance['entities'] = {};
    const mustAsk: (keyof Entities)[] = [];
    for (const part of spec.split(',').filter((p) => p !== '')) {
      if (part.startsWith('?')) mustAsk.push(part.slice(1) as keyof Entities);
      else {
        const eq = part.indexOf('=');
        if (eq < 0) throw new Error(`line ${index + 1}: "${part}" is neither k=v nor ?k`);
        entities[part.slice(0, eq) as keyof Entities] = part.slice(eq + 1);
      }
    }
    rows.push({ line: index + 1, text, intent: intent as Intent, entities, mustAsk });
  }
  return rows;
}

export interface IntentEvaluation {
  utterances: number;
  intentAccuracy: number;
  entityAccuracy: number;
  /** Utterances with a missing entity that got the right clarifying question. */
  clarificationRecall: number;
  /** Complete utterances answered without a needless question. */
  noNeedlessQuestions: number;
  exact: number;
  failures: { line: number; text: string; expected: string; got: string }[];
}

export function evaluateIntents(rows: LabelledUtterance[]): IntentEvaluation {
  let intents = 0;
  let entities = 0;
  let asked = 0;
  let shouldAsk = 0;
  let quiet = 0;
  let shouldBeQuiet = 0;
  let exact = 0;
  const failures: IntentEvaluation['failures'] = [];
  for (const row of rows) {
    const got = parseIntent(row.text);
    const intentRight = got.intent === row.intent;
    const entitiesRight = Object.entries(row.entities).every(
      ([k, v]) => String(got.entities[k as keyof Entities] ?? '') === v,
    );
    let clarifyRight: boolean;
    if (row.mustAsk.length) {
      shouldAsk++;
      clarifyRight = row.mustAsk.every((k) => got.missing.includes(k)) && got.clarify !== undefined;
      if (clarifyRight) asked++;
    } else if (row.intent !== 'unknown') {
      shouldBeQuiet++;
      clarifyRight = got.missing.length === 0;
      if (clarifyRight) quiet++;
    } else clarifyRight = got.clarify !== undefined;
    if (intentRight) intents++;
    if (entitiesRight) entities++;
    if (intentRight && entitiesRight && clarifyRight) exact++;
    else
      failures.push({
        line: row.line,
        text: row.text,
        expected: `${row.intent} ${JSON.stringify(row.entities)}${row.mustAsk.length ? ` ask ${row.mustAsk.join(',')}` : ''}`,
        got: `${got.intent} ${JSON.stringify(got.entities)}${got.missing.length ? ` ask ${got.missing.join(',')}` : ''}`,
      });
  }
  const n = rows.length || 1;
  return {
    utterances: rows.length,
    intentAccuracy: intents / n,
    entityAccuracy: entities / n,
    clarificationRecall: shouldAsk ? asked / shouldAsk : 1,
    noNeedlessQuestions: shouldBeQuiet ? quiet / shouldBeQuiet : 1,
    exact: exact / n,
    failures,
  };
}
