/**
 * The import direction of ../shared/design/architecture.md, checked by test/structure.test.ts
 * (`npx depcruise src` prints the same): main -> config, mock; mock -> everything it wires;
 * platform -> domain -> store; control -> domain, store, faults, journal, tls, clock;
 * gateway -> store, tls; anyone -> http/errors, clock, net/ip, generated. No circles.
 */
const layer = (name) => `^src/${name}(/|\\.ts$)`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: modules that need each other belong in one module, or one of them depends on too much.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'nothing-imports-main',
      severity: 'error',
      comment: 'src/main.ts is the process entry (argv, env, signals); import mock.ts or config.ts instead.',
      from: { path: '^src/' },
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'domain-no-express',
      severity: 'error',
      comment: 'The platform rules are plain synchronous functions over (state, ..., now): no Express in domain/.',
      from: { path: layer('domain') },
      to: { path: '(^|/)node_modules/(express|express-openapi-validator)/' },
    },
    {
      name: 'domain-below-the-http-layers',
      severity: 'error',
      comment: 'domain/ sits under the routers: it may use store/, http/errors, clock, net/ip and generated types, never the layers that call it.',
      from: { path: layer('domain') },
      to: { path: `${layer('(platform|control|gateway|faults|idempotency|journal|webhooks|timeline|mock|main)')}` },
    },
    {
      name: 'store-knows-only-state',
      severity: 'error',
      comment: 'store/ knows only the state: no faults, idempotency, gateway, platform, control, domain or journal (move shared shapes into store/ or the generated types).',
      from: { path: layer('store') },
      to: { path: `${layer('(faults|idempotency|gateway|platform|control|domain|journal|webhooks|timeline|mock|main)')}` },
    },
    {
      name: 'store-no-express',
      severity: 'error',
      from: { path: layer('store') },
      to: { path: '(^|/)node_modules/(express|express-openapi-validator)/' },
    },
    {
      name: 'gateway-not-above-itself',
      severity: 'error',
      comment: 'gateway/ -> store, tls (and http/, journal for the decision record): never the platform or control routers.',
      from: { path: layer('gateway') },
      to: { path: `${layer('(platform|control|mock|main)')}` },
    },
    {
      name: 'one-ip-module',
      severity: 'error',
      comment: 'Every IP address and CIDR block is parsed and compared by src/net/ip.ts (issue 9 item 6): use its parseIp, normalizeIp, parseCidr, allowlistEntry.',
      from: { path: '^src/', pathNot: '^src/net/ip\\.ts$' },
      to: { path: '(^|/)node_modules/ipaddr\\.js/' },
    },
    {
      // issue 9 item 3: request facts travel in the typed request context of http/, so nothing but the
      // wiring needs gateway/ (a rate bucket's shape is the generated RateBucket type).
      name: 'gateway-only-from-wiring',
      severity: 'error',
      comment: 'Only the wiring (mock.ts, platform/app.ts and its front door) imports gateway/; later layers read the request context from http/.',
      from: { path: '^src/', pathNot: ['^src/gateway/', '^src/mock\\.ts$', '^src/platform/app\\.ts$', '^src/platform/front-door\\.ts$'] },
      to: { path: layer('gateway') },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src/|node_modules/(express|express-openapi-validator|ipaddr\\.js)/)',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
