import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtCli } from './helpers/process.js';
import { useTempDir } from './helpers/temp-dir.js';

// The README's test-suite recipes for other languages, taken from the README as written (not copies),
// each run through `axys-mock exec` against a real mock: the pytest fixture, the JUnit 5 extension
// with its test, and the Go TestMain. Each gets a 200 over mTLS from the values exec hands it.
// .ci/run installs what they need from Debian (python3-pytest, junit5, golang-go).
const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const readme = await readFile(path.join(root, 'README.md'), 'utf8');
const JUNIT = '/usr/share/java/junit-platform-console-standalone.jar';

/** The first ```lang block after `marker` in the README. */
function block(lang: string, marker: string): string {
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README has no "${marker}"`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(at));
  if (!m) throw new Error(`README has no \`\`\`${lang} block after "${marker}"`);
  return m[1]!;
}

interface Run {
  code: number;
  out: string;
}

/** `axys-mock exec [--certs-dir <own>] -- <command>` in `cwd`, to completion. */
function exec(cwd: string, command: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const args = [...builtCli, 'exec', '--certs-dir', path.join(cwd, 'certs'), '--', ...command];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` });
    });
  });
}

const run = promisify(execFile);

const dir = useTempDir('axys-recipes-');

/** A Python that has pytest: the one on PATH, or Debian's (python3-pytest) when that one lacks it. */
async function pythonWithPytest(): Promise<string> {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      await run(python, ['-m', 'pytest', '--version']);
      return python;
    } catch {
      /* try the next */
    }
  }
  throw new Error('no python3 with pytest: apt-get install python3-pytest (as .ci/run does)');
}

// each starts the mock's CLI and a compiler or interpreter: tens of seconds on a busy 2-core machine
describe('the README recipes for other test suites, run as written', { timeout: 300_000 }, () => {
  it('the pytest fixture: a session mock from the ready file, reset before each test, a 200 over mTLS', async () => {
    const project = path.join(dir(), 'pytest');
    await mkdir(project);
    await copyFile(path.join(root, 'examples/python/axys_mock.py'), path.join(project, 'axys_mock.py'));
    await writeFile(path.join(project, 'test_cardholders.py'), block('python', 'A pytest fixture on'));
    const python = await pythonWithPytest();
    const { code, out } = await exec(project, [python, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-rA'], { PYTHONDONTWRITEBYTECODE: '1' });
    expect(out).toMatch(/PASSED test_cardholders\.py::test_lists_cardholders/);
    expect(out).toMatch(/\b1 passed\b/);
    expect(code).toBe(0);
  });

  it('the JUnit 5 extension and its test: the client from the ready JSON gets a 200 over mTLS', async () => {
    const project = path.join(dir(), 'junit');
    await mkdir(project);
    await copyFile(path.join(root, 'examples/java/AxysMockTest.java'), path.join(project, 'AxysMockTest.java'));
    await writeFile(path.join(project, 'AxysMockExtension.java'), block('java', 'serve a JUnit 5 extension'));
    await writeFile(path.join(project, 'CardholdersTest.java'), block('java', 'and a test on it'));
    await run('javac', ['-d', 'classes', '-cp', JUNIT, 'AxysMockTest.java', 'AxysMockExtension.java', 'CardholdersTest.java'], { cwd: project }).catch((e: { stderr: string }) => {
      throw new Error(`javac failed (is Debian's junit5 installed? .ci/run installs it):\n${e.stderr}`);
    });
    const { code, out } = await exec(project, ['java', '-jar', JUNIT, '--disable-banner', '--disable-ansi-colors', '--details=tree', '-cp', 'classes', '--select-class', 'CardholdersTest']);
    expect(out).toMatch(/listsCardholdersOverMutualTls\(\) ✔/);
    expect(out).toMatch(/\[\s+1 tests successful\s+\]/);
    expect(out).toMatch(/\[\s+0 tests failed\s+\]/);
    expect(code).toBe(0);
  });

  it('the Go TestMain: AXYS_MOCK_* from exec, the standard library only, a 200 over mTLS', async () => {
    const project = path.join(dir(), 'go');
    await mkdir(project);
    await writeFile(path.join(project, 'go.mod'), 'module example.com/mocktest\n\ngo 1.19\n');
    await writeFile(path.join(project, 'mock_test.go'), block('go', '**Go**'));
    // no module downloads: the recipe needs the standard library alone
    const { code, out } = await exec(project, ['go', 'test', '-count=1', '-v', './...'], { GOPROXY: 'off', GOFLAGS: '-mod=mod', GOCACHE: path.join(dir(), 'go-cache') });
    expect(out).toMatch(/--- PASS: TestListsCardholders/);
    expect(out).toMatch(/^ok\s+example\.com\/mocktest/m);
    expect(code).toBe(0);
  });
});
