import path from 'node:path';
import { liveApiKey } from './domain/programs.js';
import type { RunningMock } from './mock.js';

function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Whether `host` binds only this machine's loopback (a control plane there is the developer's own). */
function loopbackOnly(host: string): boolean {
  return host === 'localhost' || /^127\./.test(host) || host === '::1' || host === '::ffff:127.0.0.1';
}

/** The warning for a control plane others can reach without a token, or null. */
export function exposureWarning(config: { host: string; controlToken: string | null }): string | null {
  if (config.controlToken !== null || loopbackOnly(config.host)) return null;
  return (
    `  WARNING: the control plane listens on ${config.host} without CONTROL_TOKEN: anyone who reaches this port can read ` +
    'every API key and card number and change the mock. Set CONTROL_TOKEN (--control-token) unless only you can reach it.'
  );
}

/** What a developer needs after start: where it listens, which files to use, a curl that works when pasted. */
export function banner(mock: RunningMock): string {
  const { state } = mock.store;
  const lines = [
    `axys-mock ready`,
    `  platform API   ${mock.apiUrl}/v2   (mutual TLS + X-API-Key)`,
    `  control plane  ${mock.controlUrl}/_mock`,
    `  data           ${mock.config.dataFile ? shown(mock.config.dataFile) : '(in memory)'}`,
    `  CA             ${shown(path.join(mock.certs.dir, 'ca.pem'))}`,
    '',
  ];
  const warning = exposureWarning(mock.config);
  if (warning) lines.push(warning, '');
  let example: string | null = null;
  for (const [programId, files] of mock.certs.clients) {
    const program = state.programs.find((p) => p.programId === programId);
    const key = liveApiKey(state, programId);
    if (!program) continue;
    lines.push(
      `  program ${programId} (${program.environment}): ${program.tenantName} / ${program.programName}`,
      `    cert ${shown(files.certPath)}  key ${shown(files.keyPath)}  p12 ${shown(files.p12Path)}`,
      `    X-API-Key ${key?.apiKey ?? '(none: issue one with POST /_mock/programs/' + programId + '/api-keys)'}`,
    );
    if (!example && key && program.environment === 'staging') {
      example = [
        'curl',
        '--cacert', quote(shown(path.join(mock.certs.dir, 'ca.pem'))),
        '--cert', quote(shown(files.certPath)),
        '--key', quote(shown(files.keyPath)),
        '-H', quote(`X-API-Key: ${key.apiKey}`),
        `${mock.apiUrl}/v2/cardholders`,
      ].join(' ');
    }
  }
  if (example) lines.push('', '  try it:', `    ${example}`);
  return lines.join('\n');
}
