import { ApiFailure, readWithRetries } from '../../api/console/src/api-failure';

/** A read that fails with each of `failures` in turn, then answers. */
function flaky(failures: Error[]) {
  let calls = 0;
  const read = () => {
    const failure = failures[calls++];
    return failure ? Promise.reject(failure) : Promise.resolve('answer');
  };
  return { read, calls: () => calls };
}

const quickly = { firstDelayMs: 1 };

describe('readWithRetries (the console reads a kept answer through a passing failure)', () => {
  it('reads again after a 5xx or an unreachable API, and returns the answer', async () => {
    const read = flaky([new ApiFailure(503, 'busy'), new TypeError('Failed to fetch')]);
    await expect(readWithRetries(read.read, quickly)).resolves.toBe('answer');
    expect(read.calls()).toBe(3);
  });

  it('takes a 4xx as the answer: no second read', async () => {
    const read = flaky([new ApiFailure(404, 'no detector state')]);
    await expect(readWithRetries(read.read, quickly)).rejects.toMatchObject({ status: 404 });
    expect(read.calls()).toBe(1);
  });

  it('gives up after its attempts with the last failure', async () => {
    const read = flaky([500, 502, 503, 504, 500].map((s) => new ApiFailure(s, `answered ${s}`)));
    await expect(readWithRetries(read.read, { ...quickly, attempts: 4 })).rejects.toMatchObject({
      status: 504,
    });
    expect(read.calls()).toBe(4);
  });
});
