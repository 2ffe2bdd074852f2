// Receives the mock's webhooks with the official HighLevel Node SDK's
// webhook middleware, ghl.webhooks.subscribe(), configured as a bot would
// be: its app's client id and the mock's public key (webhookPublicKey).
// Usage: node webhooks.js PUBLIC_KEY CLIENT_ID
// Two paths, as the two ways an Express app hands the body to the SDK:
//   /raw    req.rawBody kept (express.json({verify}) style): the exact bytes are verified
//   /reser  only the parsed req.body (plain express.json()): the SDK verifies JSON.stringify(req.body)
// Prints {"listening": PORT}, then one JSON line per request with the flags
// the middleware set; answers 200 when the signature was valid, else 401.
// Exits when stdin closes.
'use strict';
const http = require('http');
const { HighLevel } = require('@gohighlevel/api-client');

const [publicKey, clientId] = process.argv.slice(2);
const ghl = new HighLevel({ clientId, clientSecret: 'unused-by-the-middleware', webhookPublicKey: publicKey, logLevel: 'error' });
const middleware = ghl.webhooks.subscribe();

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    let body;
    try { body = JSON.parse(raw.toString('utf8')); } catch (e) { body = {}; }
    req.body = body;
    if (req.url === '/raw') req.rawBody = raw;
    middleware(req, res, (err) => {
      const line = {
        path: req.url, type: body.type, webhookId: body.webhookId, appId: body.appId,
        valid: req.isSignatureValid === true, skipped: req.skippedSignatureVerification === true,
        gated: req.isSignatureValid === undefined, error: err ? String(err) : undefined,
      };
      process.stdout.write(JSON.stringify(line) + '\n');
      res.statusCode = line.valid ? 200 : 401;
      res.end();
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ listening: server.address().port }) + '\n');
});
process.stdin.on('data', () => {});
process.stdin.on('end', () => server.close(() => process.exit(0)));
