import path from 'node:path';
import { liveApiKey } from './domain/programs.js';
import type { RunningMock } from './mock.js';
import { version } from './version.js';

export interface ReadyProgram {
  programId: number;
  environment: string;
  tenantName: string;
  programName: string;
  apiKey: string | null;
  cert: string;
  key: string;
  p12: string;
}

/** What a test suite in any language needs once the mock listens: `--ready-file`, `--print-ready-json`, `exec`. */
export interface ReadyInfo {
  version: string;
  pid: number;
  apiUrl: string;
  controlUrl: string;
  ports: { api: number; control: number };
  /** absolute paths */
  certsDir: string;
  ca: string;
  /** the default program (first staging one): the same as startMock()'s programId/apiKey/tls */
  programId: number | null;
  apiKey: string | null;
  cert: string | null;
  key: string | null;
  p12: string | null;
  programs: ReadyProgram[];
}

export function readyInfo(mock: RunningMock): ReadyInfo {
  const { state } = mock.store;
  const programs: ReadyProgram[] = [];
  for (const [programId, files] of mock.certs.clients) {
    const program = state.programs.find((p) => p.programId === programId);
    if (!program) continue;
    programs.push({
      programId,
      environment: program.environment,
      tenantName: program.tenantName,
      programName: program.programName,
      apiKey: liveApiKey(state, programId)?.apiKey ?? null,
      cert: path.resolve(files.certPath),
      key: path.resolve(files.keyPath),
      p12: path.resolve(files.p12Path),
    });
  }
  let chosen: ReadyProgram | undefined;
  try {
    chosen = programs.find((p) => p.programId === mock.programId);
  } catch {
    chosen = undefined; // fixtures without a usable program
  }
  return {
    version,
    pid: process.pid,
    apiUrl: mock.apiUrl,
    controlUrl: mock.controlUrl,
    ports: mock.ports,
    certsDir: path.resolve(mock.certs.dir),
    ca: path.resolve(mock.certs.dir, 'ca.pem'),
    programId: chosen?.programId ?? null,
    apiKey: chosen?.apiKey ?? null,
    cert: chosen?.cert ?? null,
    key: chosen?.key ?? null,
    p12: chosen?.p12 ?? null,
    programs,
  };
}

/** The ready JSON as AXYS_MOCK_* environment variables, for `axys-mock exec`. */
export function readyEnv(info: ReadyInfo, readyFile: string): Record<string, string> {
  const env: Record<string, string> = {
    AXYS_MOCK_READY_FILE: readyFile,
    AXYS_MOCK_API_URL: info.apiUrl,
    AXYS_MOCK_CONTROL_URL: info.controlUrl,
    AXYS_MOCK_API_PORT: String(info.ports.api),
    AXYS_MOCK_CONTROL_PORT: String(info.ports.control),
    AXYS_MOCK_CERTS_DIR: info.certsDir,
    AXYS_MOCK_CA: info.ca,
  };
  if (info.programId !== null) env.AXYS_MOCK_PROGRAM_ID = String(info.programId);
  if (info.apiKey) env.AXYS_MOCK_API_KEY = info.apiKey;
  if (info.cert) env.AXYS_MOCK_CERT = info.cert;
  if (info.key) env.AXYS_MOCK_KEY = info.key;
  if (info.p12) env.AXYS_MOCK_P12 = info.p12;
  return env;
}
