import { Router } from 'express';
import type { components } from '../generated/control.js';
import { checkDomains, findProgram } from '../domain/programs.js';
import { errorTemplate } from '../http/errors.js';
import { toPkcs12 } from '../tls/index.js';
import type { ControlDeps } from './deps.js';

export const certificateMessages = {
  notBeforeNotDate: 'notBefore must be an ISO-8601 date-time',
  notPemPair: (reason: string) => `certPem and keyPem must be a PEM certificate and its PEM private key: ${reason}`,
} as const;

/** Each status paired with its message; raised as `throw certificateErrors.x(...)`. */
const certificateErrors = {
  notBeforeNotDate: errorTemplate(422, certificateMessages.notBeforeNotDate),
  notPemPair: errorTemplate(422, certificateMessages.notPemPair),
} as const;

type IssueBody = components['schemas']['CertificateCreate'];

export function certificatesRouter(deps: ControlDeps): Router {
  const router = Router();

  router.get('/_mock/certificates', (_req, res) => {
    const items = deps.certificates.list(deps.store.state);
    res.json({ items, total: items.length });
  });

  router.post('/_mock/certificates', async (req, res) => {
    const body = req.body as IssueBody;
    const program = findProgram(deps.store.state, body.programId);
    const domains = body.domains ? checkDomains(body.domains) : program.domains;
    const notBefore = body.notBefore === undefined ? undefined : new Date(body.notBefore);
    if (notBefore && Number.isNaN(notBefore.getTime())) {
      throw certificateErrors.notBeforeNotDate().withErrors([{ field: 'notBefore', message: 'not a date-time' }]);
    }
    const issued = await deps.certificates.issue(
      { tenantName: program.tenantName, programName: program.programName, domains },
      { csrPem: body.csrPem, validDays: body.validDays, notBefore },
    );
    await deps.store.transact((draft) => deps.certificates.record(draft, program.programId, domains, issued, deps.clock.now()));
    res.status(201).json({ ...issued, programId: program.programId, caPem: deps.certificates.caPem });
  });

  router.post('/_mock/pkcs12', async (req, res) => {
    const { certPem, keyPem } = req.body as { certPem: string; keyPem: string };
    let p12: Buffer;
    try {
      p12 = await toPkcs12(certPem, keyPem, deps.certificates.caPem);
    } catch (e) {
      throw certificateErrors.notPemPair((e as Error).message).withErrors([{ field: 'keyPem', message: 'not a usable PEM pair' }]);
    }
    res.json({ p12Base64: p12.toString('base64'), password: '' });
  });

  router.post('/_mock/certificates/:serial/revoke', async (req, res) => {
    const serial = await deps.store.transact((draft) => deps.certificates.revoke(draft, req.params.serial));
    deps.certificates.applyRevocation(serial);
    res.json({ serial, revoked: true });
  });

  return router;
}
