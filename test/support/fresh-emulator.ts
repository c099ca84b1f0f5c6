import { awsEndpoint } from './env';

/**
 * Each suite starts on an empty emulator. A worker runs one suite at a time, so resetting its own
 * emulator here never pulls state from under a running suite, and what one suite left behind
 * (thousands of datapoints, dozens of instances) never slows the next one's calls.
 */
beforeAll(async () => {
  const res = await fetch(`${awsEndpoint()}/moto-api/reset`, { method: 'POST' });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`resetting the emulator at ${awsEndpoint()} answered ${res.status}`);
});
