import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, splitExecArgs } from '../config.js';
import { embeddedDefaults, startMock } from '../mock.js';
import { readyEnv, readyInfo } from '../ready.js';
import { writeReadyFile } from './ready-file.js';

function parseThreshold(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || n > 100) throw new ConfigError(`--min-coverage must be a percentage 0..100, got "${raw}"`);
  return n;
}

const say = (text: string) => process.stderr.write(`axys-mock exec: ${text}\n`);

/**
 * `axys-mock exec [options] [--min-coverage n] -- command...`: start the mock, run the command with
 * AXYS_MOCK_* set, stop the mock, and resolve to the command's exit code (1 below the coverage threshold).
 */
export async function exec(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { mockArgs, minCoverage, command } = splitExecArgs(argv);
  const threshold = parseThreshold(minCoverage);
  const config = loadConfig(mockArgs, env, embeddedDefaults) // exec starts like an embedded mock: free ports, in memory, quiet;
  if (config === 'help' || config === 'version') throw new ConfigError('exec takes the mock options, --min-coverage and then -- <command>');
  const scratch = config.readyFile ? null : mkdtempSync(path.join(os.tmpdir(), 'axys-mock-exec-'));
  const readyFile = config.readyFile ?? path.join(scratch!, 'ready.json');
  const mock = await startMock(config);
  let code: number;
  try {
    const info = readyInfo(mock);
    await writeReadyFile(readyFile, info);
    say(`mock ready at ${info.apiUrl} (control ${info.controlUrl}); running ${command.join(' ')}`);
    code = await run(command, { ...env, ...readyEnv(info, readyFile) });
    if (threshold !== null) {
      const report = mock.coverage.report();
      const { percent, called, total } = report.operations;
      say(`coverage: ${called} of ${total} operations called (${percent}%), ${report.scenarios.filter((s) => s.exercised).length} of ${report.scenarios.length} error scenarios`);
      if (percent < threshold) {
        const missing = report.items.filter((i) => i.calls === 0).map((i) => i.operationId);
        say(`coverage ${percent}% is below --min-coverage ${threshold}; never called: ${missing.join(', ')}`);
        if (code === 0) code = 1;
      }
    }
  } finally {
    await mock.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  return code;
}

function run(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('error', (err: NodeJS.ErrnoException) => {
      say(err.code === 'ENOENT' ? `command not found: ${command[0]}` : `could not run ${command[0]}: ${err.message}`);
      resolve(127);
    });
    child.once('exit', (status, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(status ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0));
    });
  });
}
