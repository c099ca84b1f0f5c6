/**
 * What the CLI prints (console.log and console.error) during each test of the enclosing describe
 * block, one entry per call; emptied before each test, and the console restored after it.
 */
export function consoleOutput(): string[] {
  const output: string[] = [];
  beforeEach(() => {
    output.length = 0;
    jest.spyOn(console, 'log').mockImplementation((m: string) => void output.push(m));
    jest.spyOn(console, 'error').mockImplementation((m: string) => void output.push(m));
  });
  afterEach(() => jest.restoreAllMocks());
  return output;
}
