import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { defaults, HELP, loadConfig, type Config } from '../src/config.js';

// `axys-mock --help` and the README's configuration table describe the same settings with the same
// defaults, and both say what the code's defaults are.
const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

interface Row { flags: string[]; envs: string[]; defaults: string }

function readmeRows(): Row[] {
  const start = readme.indexOf('| flag | env | default |');
  if (start < 0) throw new Error('README has no configuration table');
  const table = readme.slice(start, readme.indexOf('\n\n', start)).split('\n').slice(2);
  return table.map((line) => {
    const [flags = '', envs = '', ...rest] = line.replace(/^\| /, '').replace(/ \|$/, '').split(/ ?\| ?/);
    return { flags: flags.match(/--[a-z-]+/g) ?? [], envs: [...envs.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]!), defaults: rest.join(' | ') };
  });
}

interface Option { flag: string; env: string | null; default: string | null }

function helpOptions(): Option[] {
  return HELP.split('\n')
    .filter((line) => /^ {2}(-h, )?--[a-z]/.test(line))
    .map((line) => {
      const bracket = /\[([A-Z_]+)(?:=[a-z]+)?(?:, default ([^\]]+))?\]/.exec(line);
      return { flag: /--[a-z-]+/.exec(line)![0], env: bracket?.[1] ?? null, default: bracket?.[2]?.replace(/^"(.*)"$/, '$1') ?? null };
    });
}

/** PORT -> port, MAX_CONNECTIONS_PER_IP -> maxConnectionsPerIp */
const configKey = (env: string) => env.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof Config;

describe('--help and the README configuration table', () => {
  it('list the same flags and environment variables', () => {
    const rows = readmeRows();
    const options = helpOptions();
    // --version and --help are in the README's sentence above the table
    expect(readme).toContain('`npx axys-mock --help` (or `-h`)');
    expect(readme).toContain('`npx axys-mock --version`');
    expect(rows.flatMap((r) => r.flags).concat('--version', '--help').sort()).toEqual(options.map((o) => o.flag).sort());
    expect(rows.flatMap((r) => r.envs).sort()).toEqual(options.flatMap((o) => (o.env ? [o.env] : [])).sort());
  });

  it('state the code defaults, the same way', () => {
    const rows = readmeRows();
    const options = helpOptions().filter((o) => o.env);
    expect(options.length).toBeGreaterThan(20);
    for (const option of options) {
      const row = rows.find((r) => r.envs.includes(option.env!))!;
      const value = defaults[configKey(option.env!)];
      if (typeof value === 'number' || typeof value === 'string') {
        expect(Object.keys(loadConfig([], {}) as Config)).toContain(configKey(option.env!));
        expect(option.default, `--help's default of ${option.env}`).toBe(String(value));
        expect(row.defaults, `README's default of ${option.env}`).toContain(`\`${value}\``);
      } else if (option.default !== null) {
        // a default in words (5 business days): the README says it in the same words
        expect(row.defaults, `README's default of ${option.env}`).toContain(option.default);
      }
    }
  });

  it('describe the log levels as the request log writes them', () => {
    const row = readmeRows().find((r) => r.envs.includes('LOG_LEVEL'))!;
    const help = HELP.split('\n').slice(HELP.split('\n').findIndex((l) => l.includes('--log-level')), undefined).slice(0, 3).join(' ');
    for (const text of [row.defaults, help]) {
      expect(text).toContain('request id');
      expect(text).not.toContain('headers');
    }
  });
});
