#!/usr/bin/env bash
# UserSig generation: ours next to the official `tls-sig-api-v2` packages from PyPI and npm,
# timed in the same run with the same inputs (sdkappid 1400000000, the packages' README
# key, identifier "administrator", expire 86400*180), warm, minimum of several repeats.
#
# Installs the official packages into a temporary directory (a Python venv and an npm
# prefix), outside the repository, and removes it at the end. Also checks interoperability:
# fresh UserSigs from both official packages must pass our verifier, and one of ours must
# decode and verify with Python's standard library alone (base64, zlib, json, hmac).
#
# Prints a table, then, as its last line, one JSON object (ns/op and ratios).
#
# Usage: bash bench/compare.sh            (REPEATS=5 by default; PY_VERSION / NPM_VERSION
#                                          pin the official packages: 1.1 and 1.0.2)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPEATS=${REPEATS:-5}
PY_VERSION=${PY_VERSION:-1.1}
NPM_VERSION=${NPM_VERSION:-1.0.2}
SDKAPPID=1400000000
KEY=5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e
IDENTIFIER=administrator
EXPIRE=$((86400 * 180))

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
log() { echo "compare.sh: $*" >&2; }

log "building ours (release)"
(cd "$ROOT" && cargo build --quiet --release --locked -p tim-bench --bin usersig_timing)
TARGET_DIR=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
OURS="$TARGET_DIR/release/usersig_timing"

log "installing tls-sig-api-v2==$PY_VERSION (PyPI) into a temporary venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "tls-sig-api-v2==$PY_VERSION"
PY="$WORK/venv/bin/python"

log "installing tls-sig-api-v2@$NPM_VERSION (npm) into a temporary prefix"
mkdir -p "$WORK/npm"
(cd "$WORK/npm" && npm init -y >/dev/null &&
  npm install --silent --no-audit --no-fund "tls-sig-api-v2@$NPM_VERSION" >/dev/null)

export SDKAPPID KEY IDENTIFIER EXPIRE REPEATS
export NODE_PATH="$WORK/npm/node_modules"

# --- interoperability -------------------------------------------------------------------
log "checking official UserSigs with our verifier"
{
  printf 'python gen_sig\t%s\t%s\n' "$IDENTIFIER" "$("$PY" -c '
import os, TLSSigAPIv2
api = TLSSigAPIv2.TLSSigAPIv2(int(os.environ["SDKAPPID"]), os.environ["KEY"])
print(api.gen_sig(os.environ["IDENTIFIER"], int(os.environ["EXPIRE"])))')"
  printf 'npm genUserSig\t%s\t%s\n' "$IDENTIFIER" "$(node -e '
const { Api } = require("tls-sig-api-v2");
const api = new Api(Number(process.env.SDKAPPID), process.env.KEY);
console.log(api.genUserSig(process.env.IDENTIFIER, Number(process.env.EXPIRE)));')"
} | "$OURS" verify >&2

log "checking one of our UserSigs with Python's standard library"
"$OURS" gen "$IDENTIFIER" | "$PY" -c '
import base64, hashlib, hmac, json, os, sys, time, zlib
sig = sys.stdin.read().strip()
raw = base64.b64decode(sig.translate(str.maketrans("*-_", "+/=")))
doc = json.loads(zlib.decompress(raw))
content = "".join("TLS.%s:%s\n" % (k, doc["TLS." + k]) for k in ("identifier", "sdkappid", "time", "expire"))
want = base64.b64encode(hmac.new(os.environ["KEY"].encode(), content.encode(), hashlib.sha256).digest()).decode()
assert doc["TLS.ver"] == "2.0", doc["TLS.ver"]
assert doc["TLS.identifier"] == os.environ["IDENTIFIER"], doc["TLS.identifier"]
assert doc["TLS.sdkappid"] == int(os.environ["SDKAPPID"]), doc["TLS.sdkappid"]
assert doc["TLS.expire"] == int(os.environ["EXPIRE"]), doc["TLS.expire"]
assert abs(doc["TLS.time"] - time.time()) < 300, doc["TLS.time"]
assert hmac.compare_digest(doc["TLS.sig"], want), "TLS.sig does not match"
print("ours: valid per base64 + zlib + json + hmac (%d chars)" % len(sig), file=sys.stderr)'

# --- timings, one after the other in this run -------------------------------------------
log "timing ours"
OURS_JSON=$("$OURS" --repeats "$REPEATS" | tail -n 1)

log "timing the official Python package"
PY_NS=$("$PY" -c '
import os, timeit, TLSSigAPIv2
api = TLSSigAPIv2.TLSSigAPIv2(int(os.environ["SDKAPPID"]), os.environ["KEY"])
ident, expire = os.environ["IDENTIFIER"], int(os.environ["EXPIRE"])
n = 20000
f = lambda: api.gen_sig(ident, expire)
timeit.timeit(f, number=n)  # warm
best = min(timeit.repeat(f, number=n, repeat=int(os.environ["REPEATS"])))
print("%.1f" % (best / n * 1e9))')

log "timing the official npm package"
NPM_NS=$(node -e '
const { Api } = require("tls-sig-api-v2");
const api = new Api(Number(process.env.SDKAPPID), process.env.KEY);
const ident = process.env.IDENTIFIER, expire = Number(process.env.EXPIRE);
const n = 50000;
for (let i = 0; i < n; i++) api.genUserSig(ident, expire); // warm (JIT)
let best = Infinity;
for (let r = 0; r < Number(process.env.REPEATS); r++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) api.genUserSig(ident, expire);
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
}
console.log(best.toFixed(1));')

OURS_JSON="$OURS_JSON" PY_NS="$PY_NS" NPM_NS="$NPM_NS" \
  PY_VERSION="$PY_VERSION" NPM_VERSION="$NPM_VERSION" python3 -c '
import json, os
ours = json.loads(os.environ["OURS_JSON"])
py, npm = float(os.environ["PY_NS"]), float(os.environ["NPM_NS"])
gen = ours["gen_ns"]
rows = [
    ("ours: generate (stored zlib)", gen, "1.00"),
    ("official Python %s gen_sig" % os.environ["PY_VERSION"], py, "%.1fx slower" % (py / gen)),
    ("official npm %s genUserSig" % os.environ["NPM_VERSION"], npm, "%.1fx slower" % (npm / gen)),
    ("ours: verify own UserSig", ours["verify_own_ns"], "%.2fx our gen" % (ours["verify_own_ns"] / gen)),
    ("ours: verify official Python UserSig", ours["verify_python_ns"], "%.2fx our gen" % (ours["verify_python_ns"] / gen)),
    ("ours: verify official npm UserSig", ours["verify_node_ns"], "%.2fx our gen" % (ours["verify_node_ns"] / gen)),
]
print("| implementation | ns/op | ratio |")
print("| --- | ---: | ---: |")
for name, ns, ratio in rows:
    print("| %s | %s | %s |" % (name, format(round(ns), ","), ratio))
verify_official = max(ours["verify_python_ns"], ours["verify_node_ns"])
summary = {
    "ours_gen_ns": gen,
    "ours_verify_ns": ours["verify_own_ns"],
    "ours_verify_official_python_ns": ours["verify_python_ns"],
    "ours_verify_official_npm_ns": ours["verify_node_ns"],
    "python_gen_ns": py,
    "npm_gen_ns": npm,
    "python_over_ours_gen": py / gen,
    "npm_over_ours_gen": npm / gen,
    "verify_official_over_ours_gen": verify_official / gen,
    "target_python_80x": py / gen >= 80,
    "target_npm_20x": npm / gen >= 20,
    "target_verify_official_within_4x": verify_official / gen <= 4,
    "repeats": int(os.environ["REPEATS"]),
}
print(json.dumps(summary))'
