// The package entry (`import { startMock } from 'axys-mock'`).
export { startMock, embeddedDefaults, type MockOptions, type RunningMock } from './mock.js';
export { ControlError, createControlClient } from './client/control-client.js';
export type { ClockReading, ControlClient, CoverageReport, ProgramSnapshot, Fault, FaultRule, JournalEntry, JournalFilter, Snapshot, StoredFaultRule } from './client/control-client.js';
export { createDispatcher, createHttpsAgent, type FetchDispatcher, type TlsMaterial } from './client/tls-clients.js';
export { loadConfig, ConfigError, type Config } from './config.js';
export type { CertificateSet, ClientCertificateFiles } from './tls/index.js';
export type { State } from './store/state.js';
export { version } from './version.js';
export { readyInfo, type ReadyInfo, type ReadyProgram } from './ready.js';
