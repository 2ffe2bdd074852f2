// Drives @gnosticdev/highlevel-sdk's OAuth client against a running ghlmock,
// unchanged but for its base URL: the code exchange (exchangeToken), the
// refresh (refreshAccessToken), and getAccessToken with a code.
// Usage: node gnosticdev.mjs BASE_URL JSON SDK_DIR   (JSON: see nodesdk_oauth_test.go;
// SDK_DIR: the folder whose node_modules holds the package)
// Prints one JSON line per check and exits non-zero on the first failure.
// An ES module: the package's CommonJS build does not load (its package.json
// says "type": "module"), and ES modules ignore NODE_PATH, hence SDK_DIR.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [baseUrl, raw, sdkDir] = process.argv.slice(2);
const v = JSON.parse(raw);
const { createHighLevelClient } = await import(pathToFileURL(join(sdkDir, 'node_modules', '@gnosticdev', 'highlevel-sdk', 'dist', 'index.js')).href);

function check(name, cond, got) {
  if (!cond) {
    console.log(JSON.stringify({ call: name, ok: false, got }));
    process.exit(1);
  }
  console.log(JSON.stringify({ call: name, ok: true }));
}

const config = {
  clientId: v.clientId, clientSecret: v.clientSecret, redirectUri: v.redirectUri,
  accessType: 'Sub-Account', scopes: ['contacts.readonly', 'contacts.write'],
};

(async () => {
  const client = createHighLevelClient({ baseUrl }, 'oauth', config); // the one change: baseUrl
  const token = await client.oauth.exchangeToken(v.code);
  check('exchangeToken', token && token.access_token && token.refresh_token && token.locationId === v.locationId, token && token.locationId);
  await client.oauth.storeTokenData(token);
  const refreshed = await client.oauth.refreshAccessToken();
  check('refreshAccessToken rotates', refreshed.refresh_token && refreshed.refresh_token !== token.refresh_token, null);

  const res = await fetch(baseUrl + '/contacts/?limit=1&locationId=' + v.locationId, {
    headers: { Authorization: 'Bearer ' + refreshed.access_token, Version: '2021-07-28' },
  });
  check('the refreshed token reads contacts', res.status === 200, res.status);

  const other = createHighLevelClient({ baseUrl }, 'oauth', config);
  const access = await other.oauth.getAccessToken(v.code2);
  check('getAccessToken with a code', typeof access === 'string' && access.split('.').length === 3, null);
  let failed = false;
  try {
    await other.oauth.exchangeToken(v.code2);
  } catch (e) {
    failed = true;
  }
  check('a used code is refused', failed, null);
})().catch((e) => {
  console.log(JSON.stringify({ call: 'unexpected error', ok: false, got: String(e && (e.stack || e)) }));
  process.exit(1);
});
