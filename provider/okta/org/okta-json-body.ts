/** Request bodies of Okta's JSON APIs (/api/v1): an object, or Okta's own 400 or 413. */
import type { Context } from 'koa';
import { UnderstudyError } from '../../http/errors.js';
import { readJsonBody } from '../../http/json-body.js';
import { OktaApiError } from './api-error.js';

/** A JSON body, or Okta's E0000003 for anything that is not one. */
export async function readOktaJson(ctx: Context): Promise<Record<string, unknown>> {
  try {
    return await readJsonBody(ctx);
  } catch (error) {
    if (error instanceof UnderstudyError && error.status === 413) throw error;
    throw new OktaApiError(400, 'E0000003', 'The request body was not well-formed.', {
      cause: error,
    });
  }
}
