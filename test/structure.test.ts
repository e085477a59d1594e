import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: Array<{ name: string }>;
}

describe('the import structure (.dependency-cruiser.cjs, ../shared/design/architecture.md)', () => {
  it('has no import circle and no arrow against the layers', () => {
    // depcruise exits non-zero on an error-level violation; the JSON lists every violation either way
    let output: string;
    try {
      output = execFileSync(process.execPath, [path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (err) {
      output = (err as { stdout: string }).stdout;
    }
    const { summary } = JSON.parse(output) as { summary: { violations: Violation[]; totalCruised: number } };
    const describeViolation = (v: Violation) => `${v.rule.severity} ${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`;
    const errors = summary.violations.filter((v) => v.rule.severity === 'error').map(describeViolation);
    const warnings = summary.violations.filter((v) => v.rule.severity !== 'error').map(describeViolation);
    if (warnings.length) console.warn(`structure warnings (rules not yet enforced):\n${warnings.join('\n')}`);
    expect(summary.totalCruised).toBeGreaterThan(100);
    expect(errors, errors.join('\n')).toEqual([]);
  }, 60_000);

  it('reads process.env only in config.ts (main.ts hands it to loadConfig)', () => {
    const allowed = new Set([
      'src/config.ts',
      'src/main.ts',
      // runs in the integrator's test process, picking the image to start: not the mock's configuration
      'src/testcontainers.ts',
    ]);
    const files = (readdirSync(path.join(root, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => `src/${f.split(path.sep).join('/')}`);
    expect(files.length).toBeGreaterThan(100);
    const readers = files.filter((f) => /\bprocess\.env\b/.test(readFileSync(path.join(root, f), 'utf8')) && !allowed.has(f));
    expect(readers).toEqual([]);
  });

  it('raises ApiError only through templates: `new ApiError(` only in http/errors.ts (architecture.md, errors)', () => {
    const allowed = new Set([
      'src/http/errors.ts',
      // turns a FixturesError (status and message set in store/fixtures.ts, also shown by the CLI) into the answer
      'src/control/app.ts',
    ]);
    const files = (readdirSync(path.join(root, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => `src/${f.split(path.sep).join('/')}`);
    expect(files.length).toBeGreaterThan(100);
    const raisers = files.filter((f) => /\bnew ApiError\(/.test(readFileSync(path.join(root, f), 'utf8')) && !allowed.has(f));
    expect(raisers).toEqual([]);
  });
});
