/**
 * Pins the prototype patch: oidc-provider refuses an implicit web client with an http://localhost
 * redirect URI through `Client.Schema.prototype.invalidate` with these two codes.
 */
import type { ClientMetadata } from 'oidc-provider';
import { describe, expect, it } from 'vitest';
import { allowImplicitOnLocalhost } from '../../../../../provider/okta/provider-patches/implicit-on-localhost.js';
import { bareProvider } from './oidc-provider.js';

const implicitWebApp: ClientMetadata = {
  client_id: 'web',
  client_secret: 'web-secret-0000000000',
  grant_types: ['implicit'],
  response_types: ['id_token'],
  redirect_uris: ['http://localhost:3000/callback'],
};

describe('allowImplicitOnLocalhost', () => {
  it('lets this provider accept what oidc-provider refuses, and nothing else', async () => {
    const accepting = bareProvider([
      implicitWebApp,
      { ...implicitWebApp, client_id: 'broken', redirect_uris: ['not a url'] },
    ]);
    allowImplicitOnLocalhost(accepting);
    expect((await accepting.Client.find('web'))?.redirectUris).toEqual([
      'http://localhost:3000/callback',
    ]);
    await expect(accepting.Client.find('broken')).rejects.toThrow(/redirect_uri/);

    // Another provider is left alone: the patch is on this provider's own classes.
    const refusing = bareProvider([implicitWebApp]);
    await expect(refusing.Client.find('web')).rejects.toThrow(/redirect_uri/);
  });
});
