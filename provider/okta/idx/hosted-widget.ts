/**
 * Okta's Sign-In Widget as the hosted page: for a pending authorization request, an IDX
 * sign-in bound to it, and the widget's page started with its state token. The widget ends at
 * /login/token/redirect, which hands the result to the request (idx-engine.ts finishHosted).
 */
import { cspNonce, widgetContentSecurityPolicy } from '../../http/content-security.js';
import type { HostedSignInPage } from '../../interactions/sign-in-factors.js';
import { renderWidgetPage } from '../../views/widget-page.js';
import { widgetAssetsPath } from './idx-paths.js';
import type { IdxEngine } from './idx-engine.js';
import type { SignInWidget } from './sign-in-widget.js';

export function hostedWidgetPage(options: {
  idx: IdxEngine;
  widget: SignInWidget;
  /** The origin the widget calls. */
  origin: string;
  clientName(clientId: string): string;
}): HostedSignInPage {
  return async (ctx, details, start) => {
    const clientId = String(details.params.client_id);
    const acrValues = details.params.acr_values;
    const stateToken = await options.idx.startHosted({
      uid: details.uid,
      clientId,
      acrValues: typeof acrValues === 'string' ? acrValues : undefined,
      ...start,
    });
    const nonce = cspNonce(ctx);
    ctx.set('content-security-policy', widgetContentSecurityPolicy(nonce));
    ctx.set('cache-control', 'no-store');
    ctx.type = 'html';
    ctx.body = renderWidgetPage(
      {
        baseUrl: options.origin,
        assetsPath: widgetAssetsPath,
        stateToken,
        clientName: options.clientName(clientId),
        version: options.widget.version,
      },
      nonce,
    );
  };
}
