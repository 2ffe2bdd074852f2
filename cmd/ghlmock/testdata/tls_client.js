// A Node client that hard-codes GHL's host, as builderbot and n8n do: it asks
// https://services.leadconnectorhq.com for a contact. Its resolver maps the
// host to the mock (as a hosts entry would), and it trusts the mock's CA only
// through NODE_EXTRA_CA_CERTS. It prints one JSON line: what it got, or the
// error's code.
//
// usage: node tls_client.js PORT TOKEN CONTACT_ID
'use strict';
const https = require('node:https');
const dns = require('node:dns');

const [port, token, contactId] = process.argv.slice(2);
const host = 'services.leadconnectorhq.com';

function lookup(hostname, options, callback) {
  if (hostname !== host) return dns.lookup(hostname, options, callback);
  if (options && options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
  return callback(null, '127.0.0.1', 4);
}

const req = https.get({
  host, port: Number(port), path: '/contacts/' + contactId, lookup,
  headers: { Authorization: 'Bearer ' + token, Version: '2021-07-28', Accept: 'application/json' },
}, (res) => {
  const authorized = res.socket.authorized === true;
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (c) => { body += c; });
  res.on('end', () => {
    let id = null;
    try { id = JSON.parse(body).contact.id; } catch (e) { /* reported as null */ }
    console.log(JSON.stringify({ status: res.statusCode, id, authorized }));
  });
});
req.on('error', (err) => {
  console.log(JSON.stringify({ error: err.code || String(err) }));
});
