// Child processes for the bench: spawn, wait until they say they are ready, sample their memory, stop them.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/**
 * Spawns `cmd args` and resolves once `ready(outputSoFar)` returns a value (or rejects on exit / timeout).
 * With `outputFile`, the child's stdout and stderr go to that file (as a terminal or a container's log
 * driver would take them) and it is polled for readiness; otherwise they are piped to this process.
 */
export function spawnUntil(cmd, args, ready, { timeoutMs = 60_000, cwd, env, outputFile } = {}) {
  const started = performance.now();
  const fd = outputFile ? openSync(outputFile, 'w') : null;
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: fd === null ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd] });
  if (fd !== null) closeSync(fd);
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    let poll;
    const timer = setTimeout(() => {
      clearInterval(poll);
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: not ready after ${timeoutMs} ms\n${out}${err}`));
    }, timeoutMs);
    const check = () => {
      if (outputFile) out = readFileSync(outputFile, 'utf8');
      const value = ready(out);
      if (value !== undefined && value !== null) {
        clearTimeout(timer);
        clearInterval(poll);
        if (!outputFile) {
          child.stdout.removeAllListeners('data');
          child.stdout.resume();
          child.stderr.resume();
        }
        resolve({ child, value, readyMs: performance.now() - started });
      }
    };
    if (outputFile) poll = setInterval(check, 5);
    else {
      child.stdout.on('data', (d) => {
        out += d;
        check();
      });
      child.stderr.on('data', (d) => (err += d));
    }
    setImmediate(check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (outputFile) out = readFileSync(outputFile, 'utf8');
      reject(new Error(`${cmd} ${args.join(' ')} exited with ${code} before it was ready\n${out}${err}`));
    });
  });
}

export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/** Peak resident set size of a running process so far (VmHWM), in MiB. */
export function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Polls an HTTP(S) request until it answers `expect` (a status) or the time is up. */
export async function waitForStatus(send, expect = 200, timeoutMs = 60_000) {
  const until = performance.now() + timeoutMs;
  let last;
  while (performance.now() < until) {
    try {
      const status = await send();
      if (status === expect) return;
      last = `status ${status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not answering ${expect} after ${timeoutMs} ms (${last})`);
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
