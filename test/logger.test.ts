import { setImmediate as turn } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/logger.js';

describe('the request log', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the lines of one event-loop turn in one write, in order with the other stdout lines', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    const log = createLogger('info');
    log.line('GET /v2/a 200');
    log.line('GET /v2/b 200');
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(['GET /v2/a 200\nGET /v2/b 200\n']);
    log.line('GET /v2/c 200');
    log.info('stopping');
    expect(writes).toEqual(['GET /v2/a 200\nGET /v2/b 200\n', 'GET /v2/c 200\n', 'stopping\n']);
    await turn();
    expect(writes).toHaveLength(3);
  });

  it('writes at once when 64 KB have gathered, and nothing when silent', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    const line = 'x'.repeat(1023);
    const log = createLogger('info');
    for (let i = 0; i < 64; i++) log.line(line);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.length).toBe(64 * 1024);
    createLogger('silent').line('nobody reads this');
    await turn();
    expect(writes).toHaveLength(1);
  });
});
