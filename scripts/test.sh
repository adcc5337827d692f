#!/usr/bin/env bash
# The one command that runs every test of the project on a fresh machine
# (stable Rust, Python 3.10+ with pip and venv, gcc; no protoc needed):
#   1. cargo build --workspace --bins   (the dev profile, as `cargo run -p discordproxy-server`)
#   2. cargo test  --workspace          (same profile and features: nothing compiles twice)
#   3. a virtualenv .venv with tests/python/requirements.txt (the unmodified PyPI
#      discordproxy 1.5.1 client, pytest); set up in the background while steps 1-2 run
#   4. pytest tests/python against the binaries of step 1 (emulator + server as real processes)
# The summary gives each step's result and wall time. Extra arguments are passed to pytest
# (e.g. `scripts/test.sh -k guild`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/discordproxy-test.XXXXXX")"
VENV_PID=""
cleanup() {
  if [ -n "$VENV_PID" ]; then kill "$VENV_PID" 2>/dev/null || true; fi
  rm -rf "$LOG_DIR"
}
trap cleanup EXIT

declare -a SUMMARY=()
FAILED=0
TOTAL_PASSED=0
TOTAL_FAILED=0
SUITE_STARTED=$(date +%s)
STEP_STARTED=$SUITE_STARTED

step() {
  printf '\n==> %s\n' "$*"
  STEP_STARTED=$(date +%s)
}
# record NAME RESULT: one summary line with the step's wall time.
record() {
  local took=$(($(date +%s) - STEP_STARTED))
  SUMMARY+=("$(printf '%-28s %5d s  %s' "$1" "$took" "$2")")
}

summary() {
  printf '\n==================== test summary ====================\n'
  local line
  for line in "${SUMMARY[@]}"; do printf '  %s\n' "$line"; done
  printf '  %-28s %5d s\n' "wall time" "$(($(date +%s) - SUITE_STARTED))"
  printf '======================================================\n'
  if [ "$FAILED" -eq 0 ]; then
    printf 'ALL TESTS PASSED\n'
  else
    printf 'SOME TESTS FAILED\n'
  fi
  printf 'total: %d passed, %d failed\n' "$TOTAL_PASSED" "$TOTAL_FAILED"
}

# --- 3 (background). Python environment ---------------------------------------------------
setup_venv() {
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
    rm -rf .venv
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    -r tests/python/requirements.txt
}
VENV_STARTED=$(date +%s)
setup_venv >"$LOG_DIR/venv.log" 2>&1 &
VENV_PID=$!

# --- 1. build -----------------------------------------------------------------------------
step "cargo build --workspace --bins"
if cargo build --workspace --bins; then
  record "cargo build" "ok"
else
  record "cargo build" "FAILED"
  FAILED=1
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
  summary
  exit 1
fi

# --- 2. Rust tests ------------------------------------------------------------------------
step "cargo test --workspace"
set +e
cargo test --workspace 2>&1 | tee "$LOG_DIR/cargo-test.log"
CARGO_RC=${PIPESTATUS[0]}
set -e
read -r RUST_PASSED RUST_FAILED < <(
  awk '/^test result:/ {
         for (i = 1; i <= NF; i++) {
           if ($(i+1) ~ /^passed;?$/) p += $i
           if ($(i+1) ~ /^failed;?$/) f += $i
         }
       }
       END { printf "%d %d\n", p, f }' "$LOG_DIR/cargo-test.log"
)
TOTAL_PASSED=$((TOTAL_PASSED + RUST_PASSED))
TOTAL_FAILED=$((TOTAL_FAILED + RUST_FAILED))
if [ "$CARGO_RC" -eq 0 ]; then
  record "cargo test (Rust)" "ok: $RUST_PASSED passed, $RUST_FAILED failed"
else
  record "cargo test (Rust)" "FAILED (exit $CARGO_RC): $RUST_PASSED passed, $RUST_FAILED failed"
  FAILED=1
  if [ "$RUST_FAILED" -eq 0 ]; then TOTAL_FAILED=$((TOTAL_FAILED + 1)); fi
fi

# --- 3. Python environment (started in the background above) ------------------------------
step "Python virtualenv .venv + tests/python/requirements.txt"
set +e
wait "$VENV_PID"
VENV_RC=$?
set -e
VENV_PID=""
STEP_STARTED=$VENV_STARTED
if [ "$VENV_RC" -ne 0 ]; then
  cat "$LOG_DIR/venv.log"
  record "python env (.venv)" "FAILED (exit $VENV_RC)"
  FAILED=1
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
  summary
  exit 1
fi
record "python env (.venv)" "ok (set up beside the build)"

# --- 4. compatibility suite ---------------------------------------------------------------
step "pytest tests/python (unmodified PyPI discordproxy 1.5.1 client)"
export DISCORDPROXY_BIN_DIR="${DISCORDPROXY_BIN_DIR:-$ROOT/target/debug}"
JUNIT="$LOG_DIR/pytest.xml"
set +e
.venv/bin/python -m pytest tests/python -q -p no:cacheprovider --tb=native --junitxml="$JUNIT" "$@"
PYTEST_RC=$?
set -e
read -r PY_PASSED PY_FAILED < <(
  .venv/bin/python - "$JUNIT" <<'PY' || echo "0 0"
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(tests - bad - skipped, bad)
PY
)
TOTAL_PASSED=$((TOTAL_PASSED + PY_PASSED))
TOTAL_FAILED=$((TOTAL_FAILED + PY_FAILED))
if [ "$PYTEST_RC" -eq 0 ]; then
  record "pytest tests/python" "ok: $PY_PASSED passed, $PY_FAILED failed"
else
  # exit 5 = no test collected: a failure too
  record "pytest tests/python" "FAILED (exit $PYTEST_RC): $PY_PASSED passed, $PY_FAILED failed"
  FAILED=1
  if [ "$PY_FAILED" -eq 0 ]; then TOTAL_FAILED=$((TOTAL_FAILED + 1)); fi
fi

summary
exit "$FAILED"
