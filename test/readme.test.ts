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
const BROKEN = /command not found|parse error|syntax error|no matches found|bad pattern|bad substitution|unknown option|is unknown|Could not resolve host|URL rejected|unmatched|no such file or directory: #|curl: \(2\)|curl: \(3\)|curl: \(58\)|curl: \(77\)/i;

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
    expect(out).toMatch(/^\s+\d+ 429 remaining=0 retry-after=1$/m);
  });

  it('the control-plane and coverage blocks run as written', async () => {
    await mock.reset();
    const { out } = await paste(shell, [...blocks('Control plane'), ...blocks('Coverage and metrics')].join('\n'));
    expect(out).not.toMatch(BROKEN);
    expect(out).toContain('"status":"success","fixtures":null');
    expect(out).toMatch(/"programId":4,"apiKey":"axys_stg_/);
    expect(out).toContain('# axys-mock coverage');
    expect(await readFile(path.join(dir, 'axys-coverage.xml'), 'utf8')).toMatch(/^<\?xml/);
  });
});
