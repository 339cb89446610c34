/**
 * The lesson's sequence diagram, drawn from the sign-in's own record: the first sign-in's
 * exchanges, then two arrows for every refresh the app made and four for the logout, so the
 * picture grows with the life of the sign-in.
 */
import type { FlowRecord } from './flow-record.js';

type Lane = 'browser' | 'app' | 'provider';

const laneX: Record<Lane, number> = { browser: 110, app: 360, provider: 610 };
const top = 55;
const step = 32;

export interface Arrow {
  x1: number;
  x2: number;
  y: number;
  /** Where the label starts: beside the arrow's tail. */
  labelX: number;
  label: string;
  kind: 'sign-in' | 'refresh' | 'logout';
}

export interface SequenceDiagram {
  arrows: Arrow[];
  height: number;
}

export function sequenceDiagram(flow: FlowRecord, secondFactor: boolean): SequenceDiagram {
  const exchanges: [Lane, Lane, string, Arrow['kind']][] = [
    ['browser', 'app', 'GET /login', 'sign-in'],
    ['app', 'browser', 'redirect: state, nonce, code_challenge', 'sign-in'],
    [
      'browser',
      'provider',
      `GET /v1/authorize … sign in${secondFactor ? ', second factor' : ''}`,
      'sign-in',
    ],
    ['provider', 'browser', 'redirect: code, state', 'sign-in'],
    ['browser', 'app', 'GET /authorization-code/callback', 'sign-in'],
    ['app', 'provider', 'POST /v1/token: code + code_verifier', 'sign-in'],
    ['provider', 'app', 'ID, access and refresh tokens', 'sign-in'],
  ];
  if (flow.userinfo) {
    exchanges.push(
      ['app', 'provider', 'GET /v1/userinfo (bearer)', 'sign-in'],
      ['provider', 'app', 'profile claims', 'sign-in'],
    );
  }
  for (const refresh of flow.refreshes ?? []) {
    exchanges.push(
      ['app', 'provider', 'POST /v1/token: refresh_token', 'refresh'],
      [
        'provider',
        'app',
        `new access token${refresh.rotated ? ', new refresh token' : ''}`,
        'refresh',
      ],
    );
  }
  if (flow.logout) {
    exchanges.push(
      ['browser', 'app', 'POST /logout', 'logout'],
      ['app', 'browser', 'redirect: id_token_hint, post_logout_redirect_uri', 'logout'],
      ['browser', 'provider', 'GET /v1/logout: the provider session ends', 'logout'],
      ['provider', 'browser', 'redirect: post_logout_redirect_uri, state', 'logout'],
    );
  }
  const arrows = exchanges.map(([from, to, label, kind], index): Arrow => {
    const x1 = laneX[from];
    const x2 = laneX[to] + (laneX[to] > x1 ? -5 : 5);
    return {
      x1,
      x2,
      y: top + index * step,
      labelX: Math.min(x1, laneX[to]) + 10,
      label: `${index + 1}. ${label}`,
      kind,
    };
  });
  return { arrows, height: top + arrows.length * step };
}
