#!/usr/bin/env bash
# Fuzzes the emulator (`tim emulator serve`) against the OpenAPI export (openapi/openapi.json)
# with schemathesis, and fails on any answer that is not the documented one: HTTP 200, a JSON
# envelope matching the operation's response schema (ActionStatus/ErrorCode/ErrorInfo), a
# consistent ActionStatus/ErrorCode pair, a non-empty ErrorInfo on failure, an error code the
# document lists (components/schemas/ErrorCode), and never a 5xx. A listed code that the
# operation's x-error-codes lacks is printed as a note (a spec gap), not failed.
#
# First the docs' samples (the document's `examples`) are validated against their schemas.
# Then three bounded passes (seconds each, after the build), valid and invalid data (--mode all):
#   1. the five query parameters fixed to valid values (a fresh admin UserSig), so the bodies
#      are what gets fuzzed: examples (the docs' samples), coverage (boundaries) and fuzzing;
#      at least one call must succeed;
#   2. only sdkappid fixed: generated identifiers, UserSigs, random and contenttype;
#   3. every query parameter generated.
# Rate-limit answers (90024, 90047 for im_push) are documented answers and pass.
#
# Needs python3 (with venv) and cargo; installs schemathesis into a venv in a temporary
# directory outside the repo. Environment overrides: MAX_EXAMPLES (pass 1, default 60 per
# operation), MAX_EXAMPLES_QUERY (passes 2 and 3, default 20), SEED (default: random, printed),
# VERBOSE=1 (print one ErrorInfo per operation and code seen).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
SDKAPPID=1400000000
ADMIN=administrator
MAX_EXAMPLES="${MAX_EXAMPLES:-60}"
MAX_EXAMPLES_QUERY="${MAX_EXAMPLES_QUERY:-20}"
SEED="${SEED:-$(( (RANDOM << 15) | RANDOM ))}"
DOC="$PWD/openapi/openapi.json"

step() { printf '\n==> %s\n' "$*"; }

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "schemathesis $SCHEMATHESIS_VERSION in a temporary venv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
st="$work/venv/bin/schemathesis"
"$st" --version

step "the docs' samples conform to the document's schemas"
"$work/venv/bin/python" - "$DOC" <<'PY'
import json, sys

import jsonschema_rs  # installed with schemathesis

doc = json.load(open(sys.argv[1], encoding="utf-8"))
count, bad = 0, 0
# The REST operations, then the callbacks the service sends (OpenAPI 3.1 `webhooks`).
operations = list(doc["paths"].items()) + list(doc.get("webhooks", {}).items())
for path, item in operations:
    op = item["post"]
    for part, media in (
        ("request", op["requestBody"]["content"]["application/json"]),
        ("response", op["responses"]["200"]["content"]["application/json"]),
    ):
        validator = jsonschema_rs.Draft202012Validator(
            {"$ref": media["schema"]["$ref"], "components": doc["components"]}
        )
        for name, example in media.get("examples", {}).items():
            count += 1
            for e in validator.iter_errors(example["value"]):
                bad += 1
                print(f"{path} {part} example {name}: {e.message}", file=sys.stderr)
print(f"{count} examples checked, {bad} problems")
sys.exit(1 if bad or not count else 0)
PY

step "build tim"
cargo build --quiet --locked -p tim-cli
target_dir="$(cargo metadata --format-version 1 --no-deps --locked |
  "$work/venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
tim="$target_dir/debug/tim"

step "start the emulator on a free loopback port"
# A throwaway app key for this run only; `tim` reads it from TIM_SECRET_KEY.
TIM_SECRET_KEY="$("$work/venv/bin/python" -c 'import secrets; print(secrets.token_hex(16))')"
export TIM_SECRET_KEY
# --port 0: the OS picks a free port; the base URL is the first line of stdout.
"$tim" emulator serve --port 0 --sdkappid "$SDKAPPID" --admin "$ADMIN" \
  >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
base_url=""
for _ in $(seq 1 100); do
  base_url="$(head -n 1 "$work/emulator.out" 2>/dev/null || true)"
  [ -n "$base_url" ] && break
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "the emulator exited:" >&2
    cat "$work/emulator.err" >&2
    exit 1
  fi
  sleep 0.1
done
case "$base_url" in
  http://127.*) echo "emulator at $base_url (SDKAppID $SDKAPPID, admin $ADMIN)" ;;
  *) echo "no loopback base URL from the emulator (got '$base_url')" >&2; cat "$work/emulator.err" >&2; exit 1 ;;
esac

# An admin UserSig valid for an hour, passed to schemathesis through the environment (the
# config file holds a placeholder), never on a command line.
TIM_USERSIG="$("$tim" usersig gen --sdkappid "$SDKAPPID" --identifier "$ADMIN" --expire 3600)"
export TIM_USERSIG

# The checks on top of schemathesis' own: loaded through SCHEMATHESIS_HOOKS.
cat >"$work/tim_checks.py" <<'PY'
"""tim checks: the documented envelope on every answer, with a documented error code."""
import json
import os

import schemathesis

with open(os.environ["TIM_OPENAPI"], encoding="utf-8") as f:
    _DOC = json.load(f)
ALL_CODES = {c["const"] for c in _DOC["components"]["schemas"]["ErrorCode"]["oneOf"]}
OP_CODES = {
    op["operationId"]: {e["code"] for e in op["x-error-codes"]}
    for item in _DOC["paths"].values()
    for op in item.values()
}
# Codes no endpoint lists are service-wide (query string, UserSig, URL): any call may get them.
SERVICE_WIDE = ALL_CODES - set().union(*OP_CODES.values())


@schemathesis.check
class tim_envelope:
    """HTTP 200 with a JSON envelope: ActionStatus OK with ErrorCode 0, or FAIL with a
    documented code (components/schemas/ErrorCode) and a non-empty ErrorInfo. A documented
    code that the operation's x-error-codes does not list (and that is not service-wide) is
    noted, not failed: the limits' own codes (x-limits) are documented per field."""

    def __init__(self):
        self.seen = {}
        self.unlisted = {}

    def after_response(self, ctx, response, case):
        op = case.operation.definition.raw.get("operationId", case.operation.label)
        if response.status_code != 200:
            raise AssertionError(f"HTTP {response.status_code}; every answer must be HTTP 200 with an envelope")
        try:
            body = json.loads(response.content)
        except ValueError as e:
            raise AssertionError(f"the body is not JSON: {e}") from None
        if not isinstance(body, dict):
            raise AssertionError("the body is not a JSON object")
        status, code, info = body.get("ActionStatus"), body.get("ErrorCode"), body.get("ErrorInfo")
        if status not in ("OK", "FAIL"):
            raise AssertionError(f"ActionStatus is {status!r}, not OK or FAIL")
        if not isinstance(code, int) or isinstance(code, bool):
            raise AssertionError(f"ErrorCode is {code!r}, not an integer")
        if (status == "OK") != (code == 0):
            raise AssertionError(f"ActionStatus {status} with ErrorCode {code}")
        if code != 0:
            if code not in ALL_CODES:
                raise AssertionError(f"ErrorCode {code} is not documented (components/schemas/ErrorCode)")
            if not isinstance(info, str) or not info:
                raise AssertionError(f"ErrorCode {code} without an ErrorInfo")
            if code not in OP_CODES.get(op, set()) | SERVICE_WIDE:
                self.unlisted.setdefault(op, {}).setdefault(code, info)
        self.seen.setdefault(op, {}).setdefault(code, info or "")

    def after_run(self, ctx):
        out = os.environ.get("TIM_CODES_OUT")
        if out:
            with open(out, "w", encoding="utf-8") as f:
                json.dump(
                    {
                        "seen": {k: {str(c): i for c, i in sorted(v.items())} for k, v in sorted(self.seen.items())},
                        "unlisted": {k: {str(c): i for c, i in sorted(v.items())} for k, v in sorted(self.unlisted.items())},
                    },
                    f,
                )
        if os.environ.get("TIM_EXPECT_OK") == "1" and not any(0 in s for s in self.seen.values()):
            raise AssertionError("no call succeeded (ErrorCode 0): the fixed query parameters are wrong")
PY
export SCHEMATHESIS_HOOKS="$work/tim_checks.py"
export TIM_OPENAPI="$DOC"

# Valid query parameters for pass 1 (the UserSig from the environment).
cat >"$work/fixed-query.toml" <<TOML
[parameters]
"query.sdkappid" = $SDKAPPID
"query.identifier" = "$ADMIN"
"query.usersig" = "\${TIM_USERSIG}"
"query.random" = 4294967295
"query.contenttype" = "json"
TOML
# Pass 2: only the SDKAppID fixed, so generated identifiers and UserSigs get past it.
cat >"$work/sdkappid-only.toml" <<TOML
[parameters]
"query.sdkappid" = $SDKAPPID
TOML
: >"$work/generated-query.toml"

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,tim_envelope
common=(
  --url "$base_url"
  --checks "$checks"
  --mode all
  --seed "$SEED"
  --workers 1
  --request-timeout 10
  --generation-database none
  --suppress-health-check too_slow,filter_too_much,data_too_large
  --no-color
)

summary() {
  "$work/venv/bin/python" - "$@" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for op, codes in data["seen"].items():
    print(f"  {op:16} ErrorCode seen: {', '.join(codes)}")
if "-v" in sys.argv:
    for op, codes in data["seen"].items():
        for code, info in codes.items():
            print(f"    {op} {code}: {info[:150]}")
for op, codes in data["unlisted"].items():
    for code, info in codes.items():
        print(f"  note: {op} answered {code}, which its x-error-codes does not list ({info[:100]})")
PY
}

status=0
start=$SECONDS

step "pass 1: fixed query parameters, fuzzed bodies (max $MAX_EXAMPLES examples per operation, seed $SEED)"
TIM_EXPECT_OK=1 TIM_CODES_OUT="$work/codes-1.json" \
  "$st" --config-file "$work/fixed-query.toml" run "$DOC" "${common[@]}" \
  --phases examples,coverage,fuzzing --max-examples "$MAX_EXAMPLES" || status=1
[ -f "$work/codes-1.json" ] && summary "$work/codes-1.json" ${VERBOSE:+-v}

step "pass 2: SDKAppID fixed, the other query parameters generated (max $MAX_EXAMPLES_QUERY examples per operation)"
TIM_CODES_OUT="$work/codes-2.json" \
  "$st" --config-file "$work/sdkappid-only.toml" run "$DOC" "${common[@]}" \
  --phases coverage,fuzzing --max-examples "$MAX_EXAMPLES_QUERY" || status=1
[ -f "$work/codes-2.json" ] && summary "$work/codes-2.json" ${VERBOSE:+-v}

step "pass 3: every query parameter generated (max $MAX_EXAMPLES_QUERY examples per operation)"
TIM_CODES_OUT="$work/codes-3.json" \
  "$st" --config-file "$work/generated-query.toml" run "$DOC" "${common[@]}" \
  --phases coverage,fuzzing --max-examples "$MAX_EXAMPLES_QUERY" || status=1
[ -f "$work/codes-3.json" ] && summary "$work/codes-3.json" ${VERBOSE:+-v}

if ! kill -0 "$emulator_pid" 2>/dev/null; then
  echo "the emulator died during the run:" >&2
  cat "$work/emulator.err" >&2
  status=1
fi

echo
if [ "$status" -ne 0 ]; then
  echo "schemathesis: FAILED after $((SECONDS - start)) s (seed $SEED; rerun with SEED=$SEED)" >&2
  exit 1
fi
echo "schemathesis: passed in $((SECONDS - start)) s (seed $SEED)"
