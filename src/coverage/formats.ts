import type { CoverageReport } from './coverage.js';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const statusList = (statuses: Record<string, number>) => Object.entries(statuses).map(([s, n]) => `${s} x${n}`).join(', ');

/** JUnit XML: one test case per operation and per scenario; never called / never exercised is a failure. */
export function coverageJUnit(report: CoverageReport): string {
  const ops = report.items.map((i) => {
    const name = xml(`${i.method} ${i.path} (${i.operationId})`);
    return i.calls
      ? `    <testcase classname="axys-mock.operations" name="${name}"><system-out>${xml(statusList(i.statuses))}</system-out></testcase>`
      : `    <testcase classname="axys-mock.operations" name="${name}"><failure message="never called"/></testcase>`;
  });
  const scenarios = report.scenarios.map((s) =>
    s.exercised
      ? `    <testcase classname="axys-mock.scenarios" name="${xml(s.title)}"><system-out>${s.count} times</system-out></testcase>`
      : `    <testcase classname="axys-mock.scenarios" name="${xml(s.title)}"><failure message="never exercised"/></testcase>`,
  );
  const opFailures = report.items.filter((i) => !i.calls).length;
  const scFailures = report.scenarios.filter((s) => !s.exercised).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="axys-mock coverage" tests="${ops.length + scenarios.length}" failures="${opFailures + scFailures}">`,
    `  <testsuite name="operations" tests="${ops.length}" failures="${opFailures}" timestamp="${report.since}">`,
    ...ops,
    '  </testsuite>',
    `  <testsuite name="error scenarios" tests="${scenarios.length}" failures="${scFailures}">`,
    ...scenarios,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

const md = (s: string) => s.replace(/\|/g, '\\|');

export function coverageMarkdown(report: CoverageReport): string {
  const { called, total, percent } = report.operations;
  const exercised = report.scenarios.filter((s) => s.exercised).length;
  return [
    `# axys-mock coverage`,
    '',
    `${called} of ${total} operations called (${percent}%), ${exercised} of ${report.scenarios.length} error scenarios exercised, since ${report.since}.`,
    '',
    '| operation | method | path | calls | statuses |',
    '|---|---|---|---|---|',
    ...report.items.map((i) => `| ${i.calls ? '' : '❌ '}${i.operationId} | ${i.method} | \`${md(i.path)}\` | ${i.calls} | ${md(statusList(i.statuses)) || '-'} |`),
    '',
    '| error scenario | exercised |',
    '|---|---|',
    ...report.scenarios.map((s) => `| ${md(s.title)} | ${s.exercised ? `yes (${s.count})` : '❌ no'} |`),
    '',
  ].join('\n');
}
