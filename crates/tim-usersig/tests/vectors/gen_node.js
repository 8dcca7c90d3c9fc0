#!/usr/bin/env node
// Regenerates node.json: UserSigs from the official npm package `tls-sig-api-v2`.
//
// Usage (install in a throwaway directory outside the repository):
//   dir=$(mktemp -d) && (cd "$dir" && npm install tls-sig-api-v2@1.0.2)
//   NODE_PATH="$dir/node_modules" node gen_node.js > node.json
//
// The clock is fixed per case by patching Date.now. PrivateMapKeys come from the package's
// own genPrivateMapKey / genPrivateMapKeyWithStringRoomID.
'use strict';
const fs = require('fs');
const path = require('path');
const TLSSigAPIv2 = require('tls-sig-api-v2');

const cases = JSON.parse(fs.readFileSync(path.join(__dirname, 'cases.json'), 'utf8')).cases;
const realNow = Date.now;
const out = [];
for (const c of cases) {
  Date.now = () => c.time * 1000 + 250; // fractional second must be dropped
  let sig;
  let userbufHex = c.userbuf_hex;
  try {
    const api = new TLSSigAPIv2.Api(c.sdkappid, c.key);
    if (c.pmk && c.pmk.room_str !== undefined) {
      sig = api.genPrivateMapKeyWithStringRoomID(c.identifier, c.expire, c.pmk.room_str, c.pmk.privileges);
    } else if (c.pmk) {
      sig = api.genPrivateMapKey(c.identifier, c.expire, c.pmk.room_id, c.pmk.privileges);
    } else if (c.userbuf_hex !== undefined) {
      sig = api.genSig(c.identifier, c.expire, Buffer.from(c.userbuf_hex, 'hex'));
    } else {
      sig = api.genUserSig(c.identifier, c.expire);
    }
  } finally {
    Date.now = realNow;
  }
  const rec = Object.assign({}, c);
  if (c.pmk) {
    // The userbuf the package built, read back from its own output (zlib JSON doc).
    const b64 = sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
    const doc = JSON.parse(require('zlib').inflateSync(Buffer.from(b64, 'base64')).toString());
    userbufHex = Buffer.from(doc['TLS.userbuf'], 'base64').toString('hex');
  }
  if (userbufHex !== undefined) rec.userbuf_hex = userbufHex;
  rec.usersig = sig;
  out.push(rec);
}
const version = require('tls-sig-api-v2/package.json').version;
process.stdout.write(JSON.stringify({ generator: 'npm tls-sig-api-v2 ' + version + ' (TLSSigAPIv2.js)', vectors: out }, null, 1) + '\n');
