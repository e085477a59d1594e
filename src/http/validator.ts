import * as OpenApiValidator from 'express-openapi-validator';
import type { RequestHandler } from 'express';

/** Request (and optionally response) validation against a spec file, compiled on the first request. */
export function specValidator(apiSpec: string, validateResponses: boolean): RequestHandler[] {
  return OpenApiValidator.middleware({
    apiSpec,
    validateRequests: { allErrors: true, allowUnknownQueryParameters: false },
    validateResponses: validateResponses ? { allErrors: true } : false,
    validateSecurity: false,
    validateFormats: true,
    // checking the spec against the OpenAPI meta-schema costs most of the first request;
    // test/spec.test.ts does it once instead of every start
    validateApiSpec: false,
  }) as unknown as RequestHandler[];
}
