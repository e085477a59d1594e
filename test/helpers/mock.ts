import { afterAll, beforeEach } from 'vitest';
import { startMock, type MockOptions, type RunningMock } from '../../src/mock.js';

/** A fresh in-memory mock per test file on free ports, every response validated against the spec, reset before each test. */
export function useMock(options: MockOptions = {}): () => RunningMock {
  let mock: RunningMock | undefined;
  const ready = startMock({ validateResponses: true, ...options }).then((m) => (mock = m));
  beforeEach(async () => {
    await ready;
    await mock!.reset();
  });
  afterAll(async () => {
    await (await ready).close();
  });
  return () => {
    if (!mock) throw new Error('mock not started yet');
    return mock;
  };
}
