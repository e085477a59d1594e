import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** `node <these> args...` runs the CLI compiled once by test/global-setup.ts, as `node dist/main.js` would */
export const builtCli = [path.join(root, '.test-build/main.js')];
/** `node <these> args...` runs the CLI from source as `npm start` does: tsx's loader by absolute path, so from any working directory */
export const tsxCli = ['--import', pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href, path.join(root, 'src/main.ts')];
const cli = (args: string[], runner = builtCli) => [...runner, '--port', '0', '--control-port', '0', ...args];

export interface MockProcess {
  child: ChildProcess;
  output: () => string;
  apiUrl: string;
  controlUrl: string;
  curl: string;
}

/** Starts the CLI as a user would (`node dist/main.js ...`, compiled by test/global-setup.ts) and waits for its banner; `openFiles`: under `ulimit -n`; `fromSource`: through tsx, as `npm start` does. */
export function spawnMock(args: string[], cwd: string, { openFiles, fromSource = false }: { openFiles?: number; fromSource?: boolean } = {}): Promise<MockProcess> {
  const argv0 = cli(args, fromSource ? tsxCli : builtCli);
  const [command, argv] = openFiles === undefined ? [process.execPath, argv0] : ['bash', ['-c', `ulimit -n ${openFiles} && exec "$0" "$@"`, process.execPath, ...argv0]];
  const child = spawn(command, argv, {
    cwd,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock did not become ready:\n${out}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`mock exited with ${code}:\n${out}`), { exitCode: code, output: out }));
    });
    const onData = () => {
      if (!/ready in \d+ ms/.test(out)) return;
      // once: later output must not remove 'exit' listeners the caller added
      child.stdout!.off('data', onData);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        child,
        output: () => out,
        // absent with --print-ready-json (no banner)
        apiUrl: /platform API\s+(\S+)\/v2/.exec(out)?.[1] ?? '',
        controlUrl: /control plane\s+(\S+)\/_mock/.exec(out)?.[1] ?? '',
        curl: /^\s+(curl .*)$/m.exec(out)?.[1] ?? '',
      });
    };
    child.stdout!.on('data', onData);
  });
}

/** Runs the CLI to completion (for start-up failures); `closeStdout`: nobody reads its stdout (`| true`). */
export function runMockToExit(args: string[], cwd: string, { closeStdout = false } = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, cli(args), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  if (closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}
