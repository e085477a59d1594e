import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../src/mock.js';

// The README's copy-paste blocks, pasted into bash and into an interactive zsh (the macOS default,
// where `#` starts no comment unless interactive_comments is set) against a mock with the fixture
// certificates in ./certs. Only the ports are changed: the blocks use the default ones.
const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

/** The ```sh blocks under a `## title` heading (its ### subsections included). */
function blocks(title: string): string[] {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no section "${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** What a shell prints when a pasted block does not work in it (curl's own timeouts and resets are part of the drills). */
const BROKEN = /command not found|parse error|syntax error|no matches found|bad pattern|bad substitution|unknown option|: is unknown|Could not resolve host|URL rejected|unmatched|no such file or directory: #|curl: \(2\)|curl: \(3\)|curl: \(58\)|curl: \(77\)/i;

let dir: string;
let mock: RunningMock;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'axys-readme-'));
  mock = await startMock({ certsDir: path.join(dir, 'certs') });
});
afterAll(async () => {
  await mock?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function paste(shell: 'bash' | 'zsh', script: string): Promise<{ out: string; code: number }> {
  const api = new URL(mock.apiUrl).host;
  const control = new URL(mock.controlUrl).host;
  const text = script.replaceAll('127.0.0.1:8443', api).replaceAll('127.0.0.1:8081', control).replaceAll('localhost:8081', control);
  // -f: no rc files; -i: the interactive shell a person pastes into
  const args = shell === 'zsh' ? ['-f', '-i'] : ['--norc', '--noprofile'];
  return new Promise((resolve) => {
    const child = execFile(shell, args, { cwd: dir, timeout: 150_000, env: { ...process.env, PS1: '', PROMPT: '', RPROMPT: '' } }, (err, stdout, stderr) => {
      resolve({ out: `${stdout}\n${stderr}`, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
    });
    child.stdin!.end(`${text}\nexit\n`);
  });
}

describe.each(['bash', 'zsh'] as const)('README blocks pasted into %s', { timeout: 180_000 }, (shell) => {
  it('the chaos drills run as written, and the seeded storm answers as documented', async () => {
    await mock.reset();
    const drills = blocks('Chaos drills');
    expect(drills.length).toBeGreaterThanOrEqual(7);
    const script = drills.map((b, i) => `echo "=== block ${i}"\n${b}`).join('\n');
    const { out } = await paste(shell, script);
    expect(out).not.toMatch(BROKEN);
    for (let i = 0; i < drills.length; i++) expect(out).toContain(`=== block ${i}`);
    const documented = /here `((?:[0-9]{3} ?)+)`/.exec(readme)![1]!.trim();
    // the first line follows the JSON the rule's POST printed, as on a terminal
    const storm = [...out.matchAll(/(?<!\d)(\d{3}) retry-after=\S* fault=\S*$/gm)].map((m) => m[1]).join(' ');
    expect(storm).toBe(documented);
    expect(out).toContain('"fault":"lost-deposit"');
    expect(out).toMatch(/Idempotent-Replayed: true/i);
    // drill 3 as documented: 200s and 429s only (3 and 7 on an idle machine; the bucket refills 2 a second
    // while the ten are under way), then 200 a second later: no rule of an earlier drill left to answer it
    const burst = (status: string) => [...out.matchAll(new RegExp(`\\s(\\d+) (${status}) remaining=\\d+ retry-after=\\d*$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    expect(burst('[0-9]{3}')).toBe(10);
    expect(burst('200')).toBeGreaterThanOrEqual(3);
    expect(burst('429')).toBeGreaterThanOrEqual(1);
    expect(burst('200') + burst('429')).toBe(10);
    expect(out).toMatch(/^\s+7 429 remaining=0 retry-after=1$/m);
    const afterBurst = out.slice(out.search(/7 429 remaining=0 retry-after=1/));
    expect(afterBurst).toMatch(/^[^\n]*\n(?:[^\n]*\r)?\s*200\s*\n/);
    // drill 6: the errors page's statuses, each with its cause
    // no client certificate: the handshake is refused, no HTTP answer (curl sees an empty reply or a reset, as timing has it)
    const errorsDrill = out.slice(out.indexOf(`=== block ${drills.length - 1}`));
    expect(errorsDrill.slice(0, errorsDrill.indexOf('Invalid or missing API key'))).not.toContain('"status":"success"');
    expect(['52', '56']).toContain([...out.matchAll(/curl: \((\d+)\)/g)].at(-1)?.[1]);
    expect(out).toMatch(/as your client certificate"\} 401$/m);
    expect(out.match(/"No authorized IPs configured"\} 403$/gm)).toHaveLength(2);
    expect(out).toContain('"decision":"fcrdns_failed"');
    expect(out).toContain('"decision":"ip_not_allowlisted"');
    expect(out).toMatch(/requires an Approved cardholder \(status 1\)\."\} 403$/m);
    expect(out).toMatch(/are compliance-locked\..*"\} 409$/m);
    expect(out).toMatch(/"status":"pending","code":null,"expiresAt":null\} 200$/m);
    expect(out).toMatch(/not found: it is unknown, unsubscribed or expired.*"\} 404$/m);
  });

  it('the control-plane and coverage blocks run as written', async () => {
    await mock.reset();
    const { out } = await paste(shell, [...blocks('Control plane'), ...blocks('Coverage and metrics')].join('\n'));
    expect(out).not.toMatch(BROKEN);
    expect(out).toContain('"status":"success","fixtures":null');
    expect(out).toMatch(/"programId":4,"apiKey":"axys_stg_/);
    expect(out).toContain('# axys-mock coverage');
    expect(await readFile(path.join(dir, 'axys-coverage.xml'), 'utf8')).toMatch(/^<\?xml/);
    // the webhook sink block: a listener pointed at the sink, a challenge reaching it, the sink holding the body
    expect(out).toMatch(/"status":"success","cardId":20001,"code":"\d{6}","expiresAt":\d+,"listeners":1/);
    await expect.poll(async () => JSON.stringify(await (await fetch(`${mock.controlUrl}/_mock/webhook-sink?name=otp`)).json()), { timeout: 10_000 })
      .toContain('"text":"{\\"cardId\\":20001}"');
  });

  it('the journal block runs as written: summaries, one entry by its id, the HAR export', async () => {
    await mock.reset();
    expect((await mock.fetch('/v2/cards/20001')).status).toBe(200);
    const { out } = await paste(shell, blocks('Dashboard').join('\n'));
    expect(out).not.toMatch(BROKEN);
    expect(out).toContain('"operation":{"operationId":"getCard"');
    // the one entry, with its request and response
    expect(out).toMatch(/"request":\{"headers":\[/);
    expect(JSON.parse(await readFile(path.join(dir, 'journal.har'), 'utf8')).log.version).toBe('1.2');
  });

  it("the staging-over-time block runs as written", async () => {
    await mock.reset();
    const { out } = await paste(shell, blocks("Staging over time (the mock's clock)").join('\n'));
    expect(out).not.toMatch(BROKEN);
    expect(out).toContain('"reminderUrl":"http://127.0.0.1:9000/reminders"');
    expect(out).toContain('"emulation":{"seed":42,');
    expect(out).toContain('"kind":"certificate.reminder"');
    expect(out).toContain('"offsetSeconds":2592000');
  });
});
