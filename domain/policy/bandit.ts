/**
 * A disjoint LinUCB contextual bandit: per action, a ridge regression from the incident's features
 * to the reward, plus an exploration bonus that shrinks as the action is tried in similar contexts.
 * State is a d×d matrix and a d-vector per action, serialisable as plain JSON for the model store.
 */

export interface BanditState {
  actions: string[];
  dimension: number;
  /** Per action: A = I + Σ x xᵀ, stored row-major. */
  a: number[][];
  /** Per action: b = Σ r x. */
  b: number[][];
  pulls: number[];
}

export function newBandit(actions: string[], dimension: number): BanditState {
  const identity = Array.from({ length: dimension * dimension }, (_, k) =>
    k % (dimension + 1) === 0 ? 1 : 0,
  );
  return {
    actions: [...actions],
    dimension,
    a: actions.map(() => [...identity]),
    b: actions.map(() => new Array<number>(dimension).fill(0)),
    pulls: actions.map(() => 0),
  };
}

/** Solves A x = y for a small symmetric positive-definite A (Cholesky). */
function solve(a: number[], y: number[], d: number): number[] {
  const l = new Array<number>(d * d).fill(0);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (l[i * d + k] ?? 0) * (l[j * d + k] ?? 0);
      l[i * d + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / (l[j * d + j] ?? 1);
    }
  }
  const z = new Array<number>(d).fill(0);
  for (let i = 0; i < d; i++) {
    let sum = y[i] ?? 0;
    for (let k = 0; k < i; k++) sum -= (l[i * d + k] ?? 0) * (z[k] ?? 0);
    z[i] = sum / (l[i * d + i] ?? 1);
  }
  const x = new Array<number>(d).fill(0);
  for (let i = d - 1; i >= 0; i--) {
    let sum = z[i] ?? 0;
    for (let k = i + 1; k < d; k++) sum -= (l[k * d + i] ?? 0) * (x[k] ?? 0);
    x[i] = sum / (l[i * d + i] ?? 1);
  }
  return x;
}

const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);

export interface ActionScore {
  action: string;
  expected: number;
  bonus: number;
}

/** Expected reward and exploration bonus of each allowed action for this context. */
export function scoreActions(
  state: BanditState,
  context: number[],
  allowed: string[],
  explore: number,
): ActionScore[] {
  if (context.length !== state.dimension)
    throw new RangeError(`context has ${context.length} features, the model expects ${state.dimension}`);
  return allowed.map((action) => {
    const i = state.actions.indexOf(action);
    if (i < 0) throw new RangeError(`unknown action "${action}"`);
    const a = state.a[i] ?? [];
    const theta = solve(a, state.b[i] ?? [], state.dimension);
    const bonus = explore * Math.sqrt(Math.max(0, dot(context, solve(a, context, state.dimension))));
    return { action, expected: dot(theta, context), bonus };
  });
}

/** The allowed actions, best first (upper confidence bound; `explore` 0 is greedy). */
export function rankActions(state: BanditState, context: number[], allowed: string[], explore = 0): string[] {
  return scoreActions(state, context, allowed, explore)
    .sort((x, y) => y.expected + y.bonus - (x.expected + x.bonus) || x.action.localeCompare(y.action))
    .map((s) => s.action);
}

export function learn(state: BanditState, context: number[], action: string, reward: number): void {
  const i = state.actions.indexOf(action);
  const a = state.a[i];
  const b = state.b[i];
  if (i < 0 || !a || !b) throw new RangeError(`unknown action "${action}"`);
  const d = state.dimension;
  for (let r = 0; r < d; r++) {
    b[r] = (b[r] ?? 0) + reward * (context[r] ?? 0);
    for (let c = 0; c < d; c++) a[r * d + c] = (a[r * d + c] ?? 0) + (context[r] ?? 0) * (context[c] ?? 0);
  }
  state.pulls[i] = (state.pulls[i] ?? 0) + 1;
}
