// A real OpenID Connect provider for the single sign-on tests: the npm
// package oidc-provider (OpenID-certified), pinned in package.json.
//
//   node scripts/oidc/oidc-provider.js --ready-file FILE [--watch-pid PID]
//
// Listens on 127.0.0.1 on a free port and writes its issuer URL to FILE
// once it serves. One confidential client, DEFMATCH_TEST_OIDC_CLIENT_ID /
// DEFMATCH_TEST_OIDC_CLIENT_SECRET (defaults below), whose redirect URI is
// http://127.0.0.1/auth/sso/callback on any port (a native client on the
// loopback interface, RFC 8252), so that every test server can use it.
//
// Accounts: whatever login the provider's own login form is given is the
// account, with that login as its e-mail address; it is verified unless
// the login starts with "unverified" (to test that refusal). The password
// is not checked. The login and consent forms are the package's
// development interactions; the tests submit them over HTTP.
import http from 'node:http';
import fs from 'node:fs';
import Provider from 'oidc-provider';

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const readyFile = option('--ready-file');
const watchPid = option('--watch-pid');
if (!readyFile) {
  console.error('usage: oidc-provider.js --ready-file FILE [--watch-pid PID]');
  process.exit(2);
}
const clientId = process.env.DEFMATCH_TEST_OIDC_CLIENT_ID || 'defmatch-test';
const clientSecret = process.env.DEFMATCH_TEST_OIDC_CLIENT_SECRET || 'defmatch-test-secret-0123456789abcdef';

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/auth/sso/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    cookies: { keys: ['defmatch-test-oidc-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: !id.startsWith('unverified') };
        },
      };
    },
  });
  // The development interactions warn on every start; the tests know.
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  fs.writeFileSync(readyFile, issuer);
  console.error(`oidc-provider ${issuer} (client ${clientId})`);
});

if (watchPid) {
  // Stop with the test process that started us.
  setInterval(() => {
    try {
      process.kill(Number(watchPid), 0);
    } catch {
      process.exit(0);
    }
  }, 500).unref();
}
process.on('SIGTERM', () => process.exit(0));
