#!/bin/sh
# Times the official packages' generation (min of 5 warm repeats), for comparison with
# `cargo bench -p tim-usersig`. Run with the tools installed outside the repository:
#   PY=/path/to/venv/bin/python NODE_PATH=/path/to/node_modules sh time_official.sh
set -eu
"${PY:-python3}" - <<'PY'
import timeit, TLSSigAPIv2
api = TLSSigAPIv2.TLSSigAPIv2(1400000000, "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e")
n = 20000
api.gen_sig("administrator", 86400)
best = min(timeit.repeat(lambda: api.gen_sig("administrator", 86400), number=n, repeat=5))
print("python gen_sig: %.0f ns/op" % (best / n * 1e9))
PY
node - <<'JS'
const { Api } = require('tls-sig-api-v2');
const api = new Api(1400000000, '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e');
const n = 50000;
for (let i = 0; i < n; i++) api.genUserSig('administrator', 86400);
let best = Infinity;
for (let r = 0; r < 5; r++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) api.genUserSig('administrator', 86400);
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
}
console.log('node genUserSig: ' + best.toFixed(0) + ' ns/op');
JS
