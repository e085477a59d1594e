import * as OpenApiValidator from 'express-openapi-validator';
import type { RequestHandler } from 'express';

/** Request (and optionally response) validation against a spec file, compiled once per process. */
export function specValidator(apiSpec: string, validateResponses: boolean): RequestHandler[] {
  return OpenApiValidator.middleware({
    apiSpec,
    validateRequests: { allErrors: true, allowUnknownQueryParameters: false },
    validateResponses: validateResponses ? { allErrors: true } : false,
    validateSecurity: false,
    validateFormats: true,
  }) as unknown as RequestHandler[];
}
