/** The Management API's refusals, in Okta's codes and words. */
import { OktaApiError } from '../org/api-error.js';

export function notFound(what: string, type: 'User' | 'Group'): OktaApiError {
  return new OktaApiError(404, 'E0000007', `Not found: Resource not found: ${what} (${type})`);
}

/** E0000001, with what is wrong with each field in `errorCauses`. */
export function validationError(field: string, causes: string[]): OktaApiError {
  return new OktaApiError(400, 'E0000001', `Api validation failed: ${field}`, { causes });
}

export function duplicate(field: 'login' | 'name'): OktaApiError {
  return validationError(field, [
    `${field}: An object with this field already exists in the current organization`,
  ]);
}

export function wrongStatus(): OktaApiError {
  return new OktaApiError(
    403,
    'E0000038',
    "This operation is not allowed in the user's current status.",
  );
}

export function forbidden(cause: string): OktaApiError {
  return new OktaApiError(
    403,
    'E0000006',
    'You do not have permission to perform the requested action',
    { causes: [cause] },
  );
}
