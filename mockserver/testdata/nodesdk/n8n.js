// Drives @n8n/client-oauth2, the OAuth2 client behind n8n's HighLevel
// credentials (highLevelOAuth2Api: authorization code, client credentials
// sent in the body), against a running ghlmock: the code flow's token
// exchange from the redirect URL, a refresh that rotates, the refreshed token
// on the API, and a used code refused. n8n's credentials point at GHL's
// host; here accessTokenUri is the mock's, the one change.
// Usage: node n8n.js BASE_URL JSON   (JSON: see nodesdk_oauth_test.go)
// Prints one JSON line per check and exits non-zero on the first failure.
const { ClientOAuth2 } = require('@n8n/client-oauth2');

const [baseUrl, raw] = process.argv.slice(2);
const v = JSON.parse(raw);

function check(name, cond, got) {
  if (!cond) {
    console.log(JSON.stringify({ call: name, ok: false, got }));
    process.exit(1);
  }
  console.log(JSON.stringify({ call: name, ok: true }));
}

(async () => {
  const client = new ClientOAuth2({
    clientId: v.clientId,
    clientSecret: v.clientSecret,
    accessTokenUri: baseUrl + '/oauth/token',
    authorizationUri: baseUrl + '/oauth/chooselocation',
    redirectUri: v.redirectUri,
    scopes: ['contacts.readonly', 'contacts.write'],
    authentication: 'body',
  });
  const token = await client.code.getToken(v.redirectUri + '?code=' + encodeURIComponent(v.code));
  check('code.getToken', token.accessToken && token.refreshToken && token.data.locationId === v.locationId, token.data);
  const refreshed = await token.refresh();
  check('refresh rotates', refreshed.refreshToken && refreshed.refreshToken !== token.refreshToken, refreshed.data);
  const res = await fetch(baseUrl + '/contacts/?limit=1&locationId=' + v.locationId, {
    headers: { Authorization: 'Bearer ' + refreshed.accessToken, Version: '2021-07-28' },
  });
  check('the refreshed token reads contacts', res.status === 200, res.status);
  let refused = false;
  try {
    await client.code.getToken(v.redirectUri + '?code=' + encodeURIComponent(v.code));
  } catch (e) {
    refused = true;
  }
  check('a used code is refused', refused, null);
  let reused = false;
  try {
    await token.refresh();
  } catch (e) {
    reused = true;
  }
  check('a used refresh token is refused', reused, null);
})().catch((e) => {
  console.log(JSON.stringify({ call: 'unexpected error', ok: false, got: String(e && (e.stack || e)) }));
  process.exit(1);
});
