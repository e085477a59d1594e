import https from 'node:https';
import { Router } from 'express';
import type { operations } from '../generated/control.js';
import { liveApiKey } from '../domain/programs.js';
import { errorTemplate } from '../http/errors.js';
import type { ControlDeps } from './deps.js';

type PlatformCallBody = operations['callPlatform']['requestBody']['content']['application/json'];

const ANSWER_LIMIT = 256 * 1024;

export const platformCallMessages = {
  noClientCertificate: (programId: number) =>
    `The mock keeps no client certificate for program ${programId} (only for fixture programs); call the platform with the certificate you downloaded.`,
  noLiveApiKey: (programId: number) => `Program ${programId} has no live API key; issue one with POST /_mock/programs/${programId}/api-keys.`,
  noAnswer: (reason: string) => `The platform listener gave no answer: ${reason} (a fault rule may reset or hold this request).`,
} as const;

/** Each status paired with its message; raised as `throw platformCallErrors.x(...)`. */
const platformCallErrors = {
  noClientCertificate: errorTemplate(422, platformCallMessages.noClientCertificate),
  noLiveApiKey: errorTemplate(422, platformCallMessages.noLiveApiKey),
  noAnswer: errorTemplate(502, platformCallMessages.noAnswer),
} as const;

/**
 * A platform request made by the mock on a program's behalf, over the real listener with the
 * program's client certificate and live API key: the dashboard's simulate buttons, which a browser
 * cannot make itself (it has no client certificate). It goes through the gateway and is journaled
 * like any integrator's request.
 */
export function platformCallRouter(deps: ControlDeps): Router {
  const router = Router();
  router.post('/_mock/platform-call', async (req, res) => {
    const call = req.body as PlatformCallBody;
    const client = deps.clientCertificate(call.programId);
    if (!client) {
      throw platformCallErrors.noClientCertificate(call.programId).withErrors([{ field: 'programId', message: 'no client certificate kept' }]);
    }
    const key = liveApiKey(deps.store.state, call.programId);
    if (!key) throw platformCallErrors.noLiveApiKey(call.programId).withErrors([{ field: 'programId', message: 'no live API key' }]);
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
    const url = new URL(call.path, deps.platformUrl());
    const answer = await new Promise<{ status: number; headers: Record<string, string>; text: string }>((resolve, reject) => {
      const r = https.request(
        url,
        {
          method: call.method,
          ca: deps.certificates.caPem,
          cert: client.certPem,
          key: client.keyPem,
          agent: false,
          headers: { 'X-API-Key': key.apiKey, ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }) },
          timeout: 30_000,
        },
        (platform) => {
          let text = '';
          platform.setEncoding('utf8');
          platform.on('data', (chunk: string) => {
            if (text.length < ANSWER_LIMIT) text += chunk;
          });
          platform.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(platform.headers)) if (typeof value === 'string') headers[name] = value;
            resolve({ status: platform.statusCode ?? 0, headers, text });
          });
          platform.on('error', reject);
        },
      );
      r.on('timeout', () => r.destroy(new Error('no answer within 30 s')));
      r.on('error', reject);
      r.end(payload);
    }).catch((e: Error) => {
      throw platformCallErrors.noAnswer(e.message);
    });
    let body: unknown = null;
    try {
      body = answer.text ? JSON.parse(answer.text) : null;
    } catch {
      body = answer.text;
    }
    res.json({ status: answer.status, requestId: answer.headers['x-request-id'] ?? null, headers: answer.headers, body });
  });
  return router;
}
