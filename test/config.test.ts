import { describe, expect, it } from 'vitest';
import { ConfigError, defaults, loadConfig, type Config } from '../src/config.js';

const load = (argv: string[], env: Record<string, string> = {}) => loadConfig(argv, env) as Config;

describe('money and OTP settings', () => {
  it('defaults to 5 business days of clearing, 15-minute listeners, 5-minute codes, 3 s webhook timeout', () => {
    expect(load([])).toMatchObject({ depositClearingSeconds: null, otpListenerSeconds: 900, otpCodeSeconds: 300, webhookTimeoutMs: 3000 });
    expect(defaults.depositClearingSeconds).toBeNull();
  });

  it('reads the environment, and flags win over it', () => {
    const env = { DEPOSIT_CLEARING_SECONDS: '0', OTP_LISTENER_SECONDS: '60', OTP_CODE_SECONDS: '30', WEBHOOK_TIMEOUT_MS: '500' };
    expect(load([], env)).toMatchObject({ depositClearingSeconds: 0, otpListenerSeconds: 60, otpCodeSeconds: 30, webhookTimeoutMs: 500 });
    expect(load(['--deposit-clearing-seconds', '3600', '--otp-code-seconds', '10'], env)).toMatchObject({ depositClearingSeconds: 3600, otpCodeSeconds: 10 });
  });

  it('names every bad value at once', () => {
    const env = { DEPOSIT_CLEARING_SECONDS: '-1', OTP_LISTENER_SECONDS: '0', WEBHOOK_TIMEOUT_MS: 'soon' };
    const error = (() => {
      try {
        load([], env);
        return null;
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toContain('DEPOSIT_CLEARING_SECONDS must be a whole number >= 0, got "-1"');
    expect(error!.message).toContain('OTP_LISTENER_SECONDS must be a whole number >= 1, got "0"');
    expect(error!.message).toContain('WEBHOOK_TIMEOUT_MS must be a whole number >= 1, got "soon"');
  });
});

describe('network and control-plane settings', () => {
  it('defaults, the environment and flags for the connection limits, timeouts, control hosts and webhook URLs', () => {
    expect(load([])).toMatchObject({ handshakeTimeoutMs: 5000, firstRequestTimeoutMs: 10_000, maxConnections: 2048, maxConnectionsPerIp: 512, controlHosts: [], webhookUrls: 'any' });
    const env = { HANDSHAKE_TIMEOUT_MS: '2000', FIRST_REQUEST_TIMEOUT_MS: '3000', MAX_CONNECTIONS: '100', MAX_CONNECTIONS_PER_IP: '10', CONTROL_HOSTS: 'mock, mock.internal', WEBHOOK_URLS: 'public-https' };
    expect(load([], env)).toMatchObject({ handshakeTimeoutMs: 2000, firstRequestTimeoutMs: 3000, maxConnections: 100, maxConnectionsPerIp: 10, controlHosts: ['mock', 'mock.internal'], webhookUrls: 'public-https' });
    expect(load(['--control-hosts', '*', '--webhook-urls', 'any', '--max-connections-per-ip', '5'], env)).toMatchObject({ controlHosts: ['*'], webhookUrls: 'any', maxConnectionsPerIp: 5 });
  });

  it('refuses a bad webhook URL policy or limit, naming each', () => {
    expect(() => load([], { WEBHOOK_URLS: 'https', MAX_CONNECTIONS: '0', FIRST_REQUEST_TIMEOUT_MS: 'soon' })).toThrow(
      /WEBHOOK_URLS must be any or public-https, got "https"[\s\S]*FIRST_REQUEST_TIMEOUT_MS must be a whole number >= 1, got "soon"[\s\S]*MAX_CONNECTIONS must be a whole number >= 1, got "0"/,
    );
  });
});
