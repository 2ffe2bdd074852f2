// Drives the official HighLevel Node SDK's OAuth paths against a running
// ghlmock, unchanged but for its base URL: the refresh it makes on a 401,
// its fallback to a location token minted from the company token, and the
// authorization-code exchange.
// Usage: node oauth.js BASE_URL JSON   (JSON: the tokens and ids, see nodesdk_oauth_test.go)
// Prints one JSON line per check and exits non-zero on the first failure.
'use strict';
const { HighLevel, MemorySessionStorage } = require('@gohighlevel/api-client');

const [baseURL, raw] = process.argv.slice(2);
const v = JSON.parse(raw);
HighLevel.BASE_URL = baseURL; // the one change: point the SDK at the mock

function check(name, cond, got) {
  if (!cond) {
    console.log(JSON.stringify({ call: name, ok: false, got }));
    process.exit(1);
  }
  console.log(JSON.stringify({ call: name, ok: true, got }));
}

(async () => {
  const storage = new MemorySessionStorage();
  const ghl = new HighLevel({ clientId: v.clientId, clientSecret: v.clientSecret, sessionStorage: storage, logLevel: 'error' });
  // The SDK believes the access token good for an hour; the mock's clock
  // says it expired: the call gets 401, the SDK refreshes and retries.
  await storage.setSession(v.locationId, {
    access_token: v.expiredAccess, refresh_token: v.refresh, userType: 'Location', companyId: v.companyId,
    locationId: v.locationId, expire_at: Date.now() + 3600 * 1000,
  });
  // Ten calls at once: each gets the 401, and they share one refresh (the
  // Go side counts the token requests in the journal).
  const lists = await Promise.all(Array.from({ length: 10 }, () => ghl.contacts.getContacts({ locationId: v.locationId, limit: 1 })));
  check('10 concurrent getContacts after the refresh on 401', lists.every((l) => Array.isArray(l.contacts) && l.contacts.length === 1), lists.length);
  const s1 = await storage.getSession(v.locationId);
  check('the session holds the rotated pair', s1.access_token !== v.expiredAccess && s1.refresh_token && s1.refresh_token !== v.refresh,
    { rotated: s1.refresh_token !== v.refresh });
  const again = await ghl.contacts.getContacts({ locationId: v.locationId, limit: 1 });
  check('the next call uses the rotated token', Array.isArray(again.contacts), again.meta);
  const s2 = await storage.getSession(v.locationId);
  check('no second refresh', s2.refresh_token === s1.refresh_token, null);

  // The other location's refresh token is bad: the SDK falls back to a
  // location token minted from the stored Company token.
  await storage.setSession(v.companyId, {
    access_token: v.companyAccess, refresh_token: v.companyRefresh, userType: 'Company', companyId: v.companyId,
    expire_at: Date.now() + 3600 * 1000,
  });
  await storage.setSession(v.otherLocationId, {
    access_token: 'expired.access.token', refresh_token: 'not-a-refresh-token', userType: 'Location', companyId: v.companyId,
    locationId: v.otherLocationId, expire_at: Date.now() + 3600 * 1000,
  });
  const other = await ghl.contacts.getContacts({ locationId: v.otherLocationId, limit: 1 });
  check('getContacts after the company-token fallback', Array.isArray(other.contacts) && other.contacts.length === 1, other.meta);
  const s3 = await storage.getSession(v.otherLocationId);
  check('the fallback stored a location token', s3.access_token && s3.access_token !== 'expired.access.token' && (s3.scope || '').includes('oauth.write'),
    { scope: s3.scope });

  // The authorization-code exchange.
  const tokens = await ghl.oauth.getAccessToken({
    client_id: v.clientId, client_secret: v.clientSecret, grant_type: 'authorization_code', code: v.code,
  });
  check('oauth.getAccessToken with a code', tokens.access_token && tokens.refresh_token && tokens.userType === 'Location' && tokens.locationId === v.locationId,
    { userType: tokens.userType, locationId: tokens.locationId });
  let refused = null;
  try {
    await ghl.oauth.getAccessToken({ client_id: v.clientId, client_secret: v.clientSecret, grant_type: 'authorization_code', code: v.code });
  } catch (e) {
    refused = e.statusCode || (e.response && e.response.status);
  }
  check('the code works once', refused === 401, refused);
})().catch((e) => {
  console.log(JSON.stringify({ call: 'unexpected error', ok: false, got: String(e && (e.stack || e)) }));
  process.exit(1);
});
