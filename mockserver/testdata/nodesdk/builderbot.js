// Drives builderbot's GoHighLevel provider's TokenManager (the code exchange
// and the refresh it makes) against a running ghlmock. The provider has
// GHL's URL built in, so an axios interceptor sends its requests to the mock
// instead: that is the only change. Usage: node builderbot.js BASE_URL JSON
// Prints one JSON line per check and exits non-zero on the first failure.
'use strict';
const axios = require('axios');
const { TokenManager } = require('@builderbot/provider-gohighlevel');

const [baseURL, raw] = process.argv.slice(2);
const v = JSON.parse(raw);
axios.interceptors.request.use((config) => {
  config.url = config.url.replace('https://services.leadconnectorhq.com', baseURL);
  return config;
});

function check(name, cond, got) {
  if (!cond) {
    console.log(JSON.stringify({ call: name, ok: false, got }));
    process.exit(1);
  }
  console.log(JSON.stringify({ call: name, ok: true }));
}

(async () => {
  const tm = new TokenManager(v.clientId, v.clientSecret, v.redirectUri);
  const updates = [];
  tm.on('tokens_updated', (t) => updates.push(t));
  const tokens = await tm.exchangeAuthorizationCode(v.code);
  check('exchangeAuthorizationCode', tokens.access_token && tm.getRefreshToken() === tokens.refresh_token && tokens.locationId === v.locationId, tokens.locationId);
  const first = tm.getRefreshToken();
  await tm.refreshAccessToken();
  check('refreshAccessToken rotates', tm.getRefreshToken() && tm.getRefreshToken() !== first && updates.length === 2, updates.length);
  const res = await axios.get('https://services.leadconnectorhq.com/contacts/', {
    params: { locationId: v.locationId, limit: 1 },
    headers: { Authorization: 'Bearer ' + tm.getAccessToken(), Version: '2021-07-28' },
  });
  check('the refreshed token reads contacts', res.status === 200 && Array.isArray(res.data.contacts), res.status);
  // Two refreshes at once share one request (its mutex): the mock sees one.
  await Promise.all([tm.refreshAccessToken(), tm.refreshAccessToken()]);
  check('concurrent refreshes share one', updates.length === 3, updates.length);
  process.exit(0); // the TokenManager keeps a refresh timer
})().catch((e) => {
  console.log(JSON.stringify({ call: 'unexpected error', ok: false, got: String(e && (e.stack || e)) + ' ' + JSON.stringify(e.response && e.response.data) }));
  process.exit(1);
});
