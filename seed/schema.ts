/**
 * The seed file's schema: users, groups, clients, authorization servers and the demo's team
 * data, validated as one document so cross-references (a user's groups, a team's group) are
 * checked together.
 */
import { z } from 'zod';
import { everyoneGroupName, isEveryone } from './everyone.js';
import { oktaApiScopes } from './okta-api-scopes.js';

const oktaId = (prefix: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${prefix}[A-Za-z0-9]{17}$`),
      `must be "${prefix}" followed by 17 letters or digits, like Okta's ids`,
    );

const uri = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return !url.hash && (url.protocol === 'http:' || url.protocol === 'https:');
}, 'must be an absolute http(s) URL without a fragment');

const origin = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  return new URL(value).origin === value;
}, 'must be an origin such as http://localhost:3000 (scheme, host and port, no path)');

// Secrets travel un-encoded in HTTP Basic by some Okta libraries; a '+' or '%' would break them.
const secret = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,}$/, 'must be at least 16 characters from [A-Za-z0-9_-]');

// Claims the provider computes; a seeded value would make tokens lie about themselves.
const reservedClaims = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'azp',
  'at_hash',
  'c_hash',
  'sid',
  'ver',
  'idp',
  'cid',
  'uid',
  'scp',
  'scope',
  'client_id',
  'cnf',
]);

// Claims a user's profile fills in; a groups claim by one of these names would hide it.
const profileClaimNames = new Set([
  'name',
  'preferred_username',
  'given_name',
  'family_name',
  'locale',
  'zoneinfo',
  'updated_at',
  'email',
  'email_verified',
]);

const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be a valid scope token');

// The org authorization server answers at /oauth2/v1/*, and its pages at /oauth2/interaction.
// (and 'org' is its id for its storage and cookies)
const reservedServerIds = new Set(['v1', 'interaction', 'debug', 'org']);

/** Okta's group filters for a groups claim; a regex must match the whole name, as in Okta. */
export const groupFilterTypes = ['startsWith', 'equals', 'contains', 'regex'] as const;

export const groupsClaimSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_:.-]*$/, 'must be a claim name such as "groups"')
      .refine(
        (name) => !reservedClaims.has(name) && !profileClaimNames.has(name),
        'is a claim Understudy computes itself; choose another name',
      )
      .default('groups'),
    filter: z
      .strictObject({ type: z.enum(groupFilterTypes), value: z.string().min(1) })
      .default({ type: 'regex', value: '.*' })
      .describe(
        "Which of the user's groups (Everyone included) the claim lists; startsWith, equals and contains ignore case",
      ),
    include: z
      .enum(['idToken', 'accessToken', 'both'])
      .default('both')
      .describe(
        'The ID token (and userinfo) when the groups scope is granted, the access token whatever the scope, or both',
      ),
  })
  .superRefine((claim, ctx) => {
    if (claim.filter.type !== 'regex') return;
    try {
      new RegExp(claim.filter.value, 'u');
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['filter', 'value'],
        message: `is not a valid regular expression (${(error as Error).message})`,
      });
    }
  });

export const authorizationServerSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "_" and "-"')
    .refine(
      (id) => !reservedServerIds.has(id),
      'is a path of the org authorization server (/oauth2/v1, /oauth2/interaction); choose another id',
    )
    .describe('Path segment of the issuer: http://host/oauth2/{id}'),
  name: z.string().min(1).optional(),
  audience: z.string().min(1).describe('The "aud" of access tokens, e.g. api://default'),
  scopes: z.array(scopeToken).default([]).describe('Custom scopes besides the OIDC ones'),
  refreshTokenLifetimeSeconds: z.number().int().positive().default(2_592_000),
  groupsClaim: groupsClaimSchema
    .default({ name: 'groups', filter: { type: 'regex', value: '.*' }, include: 'both' })
    .describe("Okta's groups claim as an admin configures it on the server"),
});

// Printable text on one line: a name shows in tokens, pages and Okta's JSON.
const oneLine = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\p{Cc}]+$/u, 'must be printable text on one line');

export const groupSchema = z.strictObject({
  id: oktaId('00g').optional().describe("Okta's group id; derived from the name when absent"),
  name: oneLine.describe(`Declaring "${everyoneGroupName}" describes Okta's built-in group`),
  description: z.string().max(1024).optional(),
  created: z.iso.datetime().optional(),
  lastUpdated: z.iso.datetime().optional(),
  lastMembershipUpdated: z.iso.datetime().optional(),
});

/** Okta's user statuses; only ACTIVE users may sign in. */
export const userStatuses = [
  'STAGED',
  'PROVISIONED',
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
] as const;

// RFC 4648 base32, as authenticator apps take a secret; at least 80 bits (RFC 4226 asks 128).
const base32Secret = z
  .string()
  .transform((secret) => secret.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase())
  .pipe(
    z
      .string()
      .regex(/^[A-Z2-7]{16,}$/, 'must be a base32 secret (A-Z and 2-7) of at least 16 characters'),
  );

/** A second factor a user has enrolled, by Okta's authenticator key. */
export const authenticatorSchema = z.discriminatedUnion('key', [
  z.strictObject({
    key: z.literal('google_otp'),
    secret: base32Secret.describe('The TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s)'),
  }),
  z.strictObject({
    key: z.literal('okta_email'),
    email: z.email().optional().describe("Where codes go; the user's email by default"),
  }),
  z.strictObject({
    key: z.literal('phone_number'),
    phoneNumber: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15555550100'),
  }),
]);

export const userSchema = z.strictObject({
  id: oktaId('00u'),
  login: z.string().min(1),
  email: z.email(),
  givenName: z.string().min(1),
  familyName: z.string().min(1),
  name: z.string().min(1).optional().describe('Defaults to "givenName familyName"'),
  password: z
    .string()
    .min(1)
    .optional()
    .describe('Without one, the user signs in only through the one-click picker'),
  authenticators: z
    .array(authenticatorSchema)
    .default([])
    .describe(
      'Second factors beside the password (okta_password): google_otp, okta_email, phone_number',
    ),
  groups: z
    .array(z.string())
    .default([])
    // Every user is in Everyone already; the list keeps the groups that set users apart.
    .transform((groups) => groups.filter((name) => !isEveryone(name))),
  status: z.enum(userStatuses).default('ACTIVE'),
  profile: z
    .record(z.string(), z.json())
    .default({})
    .describe('More Okta profile attributes (mobilePhone, department, custom ones); not in tokens'),
  created: z.iso.datetime().optional(),
  activated: z.iso.datetime().optional(),
  statusChanged: z.iso.datetime().optional(),
  lastUpdated: z.iso.datetime().optional(),
  passwordChanged: z.iso.datetime().optional(),
  locale: z.string().default('en-US'),
  zoneinfo: z.string().default('America/Los_Angeles'),
  claims: z
    .record(z.string(), z.json())
    .default({})
    .describe('Extra claims added to ID and access tokens'),
});

export const clientSchema = z.strictObject({
  client_id: z.string().regex(/^[A-Za-z0-9_-]{3,}$/, 'must be 3+ characters from [A-Za-z0-9_-]'),
  client_secret: secret.optional(),
  client_name: z.string().min(1),
  token_endpoint_auth_method: z
    .enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'])
    .default('client_secret_basic'),
  jwks: z
    .strictObject({ keys: z.array(z.record(z.string(), z.json())).min(1) })
    .optional()
    .describe('The public keys a private_key_jwt client signs its assertions with'),
  grant_types: z
    .array(
      z.enum([
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'implicit',
        'urn:ietf:params:oauth:grant-type:device_code',
        // Okta's Direct Authentication grants: a password (then a second factor), or a code alone.
        'password',
        'http://auth0.com/oauth/grant-type/mfa-otp',
        'urn:okta:params:oauth:grant-type:otp',
        // Identity Engine's IDX sign-in (the Sign-In Widget, okta-auth-js idx) ends with this.
        'interaction_code',
      ]),
    )
    .default(['authorization_code', 'refresh_token']),
  response_types: z.array(z.enum(['code', 'id_token', 'code id_token'])).default(['code']),
  redirect_uris: z.array(uri).default([]),
  post_logout_redirect_uris: z.array(uri).default([]),
  requirePkce: z
    .boolean()
    .default(false)
    .describe('Require PKCE (S256). Always required for public clients.'),
  consentRequired: z
    .boolean()
    .default(false)
    .describe('Show a consent page instead of granting first-party access silently'),
  allowedOrigins: z
    .array(origin)
    .default([])
    .describe(
      'Browser origins allowed to call the token endpoint (CORS), like Okta trusted origins',
    ),
  authenticationPolicy: z
    .enum(['1fa', '2fa'])
    .default('1fa')
    .describe("The app's authentication policy: a password, or a password and a second factor"),
  oktaApiScopes: z
    .array(z.enum(oktaApiScopes))
    .default([])
    .describe(
      'Okta API scopes granted to the app: what it may ask the org authorization server for, to call /api/v1',
    ),
});

export const apiTokenSchema = z.strictObject({
  name: z.string().min(1),
  token: secret.describe('Sent as Authorization: SSWS <token>'),
  user: z
    .string()
    .optional()
    .describe(
      'Id or login of the user the token acts for (/api/v1/users/me); the first user by default',
    ),
});

export const expenseSchema = z.strictObject({
  name: z.string().min(1),
  item: z.string().min(1),
  amount: z.number().nonnegative(),
});

export const teamSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, 'must contain only lowercase letters, digits and "-"'),
  label: z.string().min(1),
  group: z.string(),
  expenses: z.array(expenseSchema).default([]),
});

export const seedSchema = z
  .strictObject({
    $schema: z.string().optional(),
    org: z
      .strictObject({ id: oktaId('00o'), name: z.string().min(1) })
      .default({ id: '00o1understudyorg00', name: 'Understudy' }),
    authorizationServers: z.array(authorizationServerSchema).min(1),
    groups: z.array(groupSchema).default([]),
    users: z.array(userSchema).min(1),
    clients: z.array(clientSchema).min(1),
    teams: z.array(teamSchema).default([]),
    apiTokens: z
      .array(apiTokenSchema)
      .default([])
      .describe('Okta API tokens for /api/v1 (Authorization: SSWS <token>)'),
    adminGroup: z.string().optional().describe('Members of this group see every team'),
    signInPage: z
      .strictObject({
        identifierFirst: z
          .boolean()
          .default(false)
          .describe('Ask for the username alone ("Next"), then the password ("Verify")'),
        widget: z
          .boolean()
          .default(false)
          .describe(
            "Okta's own Sign-In Widget as the hosted page (needs the @okta/okta-signin-widget package; like --sign-in-widget)",
          ),
      })
      .default({ identifierFirst: false, widget: false }),
    requirePassword: z
      .boolean()
      .default(false)
      .describe(
        'Hide the one-click user picker: every sign-in needs a login and password (like --require-password)',
      ),
  })
  .superRefine((seed, ctx) => {
    const groupNames = new Set([everyoneGroupName, ...seed.groups.map((group) => group.name)]);
    const unknownGroup = (name: string, path: (string | number)[]) =>
      ctx.addIssue({
        code: 'custom',
        path,
        message: `unknown group "${name}" (known groups: ${[...groupNames].join(', ')})`,
      });

    flagDuplicates(
      seed.authorizationServers.map((as) => as.id),
      'authorizationServers',
      'id',
      ctx,
    );
    flagDuplicates(
      seed.groups.map((group) => (isEveryone(group.name) ? everyoneGroupName : group.name)),
      'groups',
      'name',
      ctx,
    );
    flagDuplicates(
      seed.users.map((user) => user.id),
      'users',
      'id',
      ctx,
    );
    flagDuplicates(
      seed.users.map((user) => user.login.toLowerCase()),
      'users',
      'login',
      ctx,
    );
    flagDuplicates(
      seed.clients.map((client) => client.client_id),
      'clients',
      'client_id',
      ctx,
    );
    flagDuplicates(
      seed.teams.map((team) => team.id),
      'teams',
      'id',
      ctx,
    );

    seed.users.forEach((user, i) => {
      const keys = new Map<string, number>();
      user.authenticators.forEach((authenticator, j) => {
        const first = keys.get(authenticator.key);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['users', i, 'authenticators', j, 'key'],
            message: `"${authenticator.key}" is enrolled already (at authenticators[${first}])`,
          });
        }
        keys.set(authenticator.key, j);
      });
      for (const name of Object.keys(user.claims)) {
        if (reservedClaims.has(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['users', i, 'claims', name],
            message: 'is a claim Understudy computes itself; choose another name',
          });
        }
      }
      user.groups.forEach((name, j) => {
        if (!groupNames.has(name)) unknownGroup(name, ['users', i, 'groups', j]);
      });
    });
    seed.teams.forEach((team, i) => {
      if (!groupNames.has(team.group)) unknownGroup(team.group, ['teams', i, 'group']);
    });
    if (seed.adminGroup !== undefined && !groupNames.has(seed.adminGroup)) {
      unknownGroup(seed.adminGroup, ['adminGroup']);
    }

    flagDuplicates(
      seed.groups.flatMap((group) => (group.id ? [group.id] : [])),
      'groups',
      'id',
      ctx,
    );
    flagDuplicates(
      seed.apiTokens.map((token) => token.token),
      'apiTokens',
      'token',
      ctx,
    );
    seed.apiTokens.forEach((token, i) => {
      const owner = token.user?.toLowerCase();
      if (
        owner !== undefined &&
        !seed.users.some((user) => user.id === token.user || user.login.toLowerCase() === owner)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['apiTokens', i, 'user'],
          message: `no user with id or login "${token.user}"`,
        });
      }
    });

    seed.clients.forEach((client, i) => {
      const isPublic = client.token_endpoint_auth_method === 'none';
      const signsAssertions = client.token_endpoint_auth_method === 'private_key_jwt';
      if (signsAssertions !== (client.jwks !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i, 'jwks'],
          message: signsAssertions
            ? 'is required for token_endpoint_auth_method "private_key_jwt" (the public keys of its assertions)'
            : 'is only for token_endpoint_auth_method "private_key_jwt"',
        });
      }
      client.jwks?.keys.forEach((key, k) => {
        if ('d' in key) {
          ctx.addIssue({
            code: 'custom',
            path: ['clients', i, 'jwks', 'keys', k, 'd'],
            message: 'is a private key part; the seed holds only the public keys',
          });
        }
      });
      if (signsAssertions && client.client_secret !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i, 'client_secret'],
          message: 'a private_key_jwt client signs assertions instead; it has no secret',
        });
      }
      if (isPublic && client.client_secret !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i, 'client_secret'],
          message: 'a public client (token_endpoint_auth_method "none") must not have a secret',
        });
      }
      const credentials = client.grant_types.indexOf('client_credentials');
      if (isPublic && credentials >= 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i, 'grant_types', credentials],
          message:
            'client_credentials needs a client that can keep a secret; a public client (token_endpoint_auth_method "none") cannot',
        });
      }
      if (!isPublic && !signsAssertions && client.client_secret === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i, 'client_secret'],
          message: `is required for token_endpoint_auth_method "${client.token_endpoint_auth_method}"`,
        });
      }
      const redirects =
        client.grant_types.includes('authorization_code') ||
        client.grant_types.includes('implicit');
      if (redirects && client.redirect_uris.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i, 'redirect_uris'],
          message: 'needs at least one URI for the authorization_code or implicit grant',
        });
      }
    });
  });

function flagDuplicates(values: string[], list: string, field: string, ctx: z.RefinementCtx) {
  const seen = new Map<string, number>();
  values.forEach((value, index) => {
    const first = seen.get(value);
    if (first === undefined) {
      seen.set(value, index);
      return;
    }
    ctx.addIssue({
      code: 'custom',
      path: [list, index, field],
      message: `duplicate ${field} "${value}" (also at ${list}[${first}])`,
    });
  });
}

export type SeedInput = z.input<typeof seedSchema>;
export type Seed = z.output<typeof seedSchema>;
export type SeedUser = Seed['users'][number];
export type SeedClient = Seed['clients'][number];
export type SeedAuthorizationServer = Seed['authorizationServers'][number];
export type SeedTeam = Seed['teams'][number];
export type SeedGroup = Seed['groups'][number];
export type SeedGroupsClaim = SeedAuthorizationServer['groupsClaim'];
export type SeedAuthenticator = SeedUser['authenticators'][number];
export type SeedApiToken = Seed['apiTokens'][number];
export type UserStatus = (typeof userStatuses)[number];
