#!/usr/bin/env bash
# The one command that runs every test of the project on a fresh machine
# (stable Rust, Python 3.10+ with pip and venv, gcc; no protoc needed):
#   0. redis-server from the system's packages when missing (the tests of several instances)
#   1. cargo build --workspace --bins   (the dev profile, as `cargo run -p discordproxy-server`;
#      not the wheel crate, whose binaries are these same sources: step 5 builds them)
#   2. cargo test  --workspace          (same profile and features: nothing compiles twice;
#      RUST_TEST_THREADS defaults to 4)
#   3. a virtualenv .venv with tests/python/requirements.txt (the unmodified PyPI
#      discordproxy 1.5.1 client, pytest); set up in the background while steps 1-2 run
#   4. pytest tests/python against the binaries of step 1 (emulator + server as real processes)
#   5. the Python distribution: scripts/build-wheel.sh --host builds the wheel (the release
#      wheel's packaging with the dev binaries of step 1, for this machine: no second compile;
#      `scripts/build-wheel.sh` alone builds the manylinux2014 wheel for users); a fresh venv gets discordproxy 1.5.1 and the test requirements, then the wheel
#      installed over them, with no cargo or rustc on the PATH
#   6. pytest tests/python again in that venv: the same compatibility suite with OUR
#      `discordproxy.client` in place of 1.5.1's, against venv/bin/discordproxyserver, plus
#      tests/python/package (the client's own features)
# The summary gives each step's result and wall time. Extra arguments are passed to pytest
# (e.g. `scripts/test.sh -k guild`). SKIP_WHEEL=1 skips steps 5-6 (a quicker local run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/discordproxy-test.XXXXXX")"
VENV_PID=""
WHEEL_VENV_PID=""
cleanup() {
  if [ -n "$VENV_PID" ]; then kill "$VENV_PID" 2>/dev/null || true; fi
  if [ -n "$WHEEL_VENV_PID" ]; then kill "$WHEEL_VENV_PID" 2>/dev/null || true; fi
  if [ -n "${WHEEL_BUILD_PID:-}" ]; then kill "$WHEEL_BUILD_PID" 2>/dev/null || true; fi
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

# --- redis-server for the tests of several instances (tests/e2e/redis_shared.rs) -------------
# Each of those tests starts and stops its own redis-server on a free port; none needs a
# running service. Installed from the system's packages when missing (root, or sudo without a
# password); otherwise those tests are skipped with a message.
if ! command -v redis-server >/dev/null 2>&1; then
  printf '==> installing redis-server (apt-get)\n'
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) \
      || printf 'WARNING: could not install redis-server; the Redis tests are skipped\n'
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) \
      || printf 'WARNING: could not install redis-server; the Redis tests are skipped\n'
  else
    printf 'WARNING: redis-server is not installed and this user cannot install it; the Redis tests are skipped\n'
  fi
fi

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

# The venv of steps 5-6, also set up beside the build: discordproxy 1.5.1 and the test
# requirements, with no Rust toolchain on the PATH (the wheel goes over them in step 5).
WHEEL_VENV="$ROOT/target/wheel-test/venv"
NO_RUST_PATH="$WHEEL_VENV/bin:/usr/local/bin:/usr/bin:/bin"
WHEEL_VENV_PID=""
setup_wheel_venv() {
  set -e
  rm -rf "$WHEEL_VENV"
  python3 -m venv "$WHEEL_VENV"
  export PATH="$NO_RUST_PATH"
  ! command -v cargo && ! command -v rustc
  "$WHEEL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r tests/python/requirements.txt -r tests/python/package/requirements.txt
}
if [ "${SKIP_WHEEL:-0}" != "1" ]; then
  setup_wheel_venv >"$LOG_DIR/wheel-venv-setup.log" 2>&1 &
  WHEEL_VENV_PID=$!
fi

# --- 1. build -----------------------------------------------------------------------------
step "cargo build --workspace --bins"
if cargo build --workspace --exclude discordproxy-wheel --bins; then
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
# 4 tests at once per test binary on 2 cores: the long tests mostly wait (rate-limit windows,
# reconnect delays), so e2e takes about 64 s instead of 106 s with the default of one per core.
RUST_TEST_THREADS="${RUST_TEST_THREADS:-4}" cargo test --workspace --exclude discordproxy-wheel \
  2>&1 | tee "$LOG_DIR/cargo-test.log"
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
# run_pytest LABEL PYTHON BIN_DIR [pytest args…]: the suite with PYTHON's `discordproxy` package
# against the binaries in BIN_DIR; adds its counts to the totals.
run_pytest() {
  local label="$1" python="$2" bin_dir="$3"
  shift 3
  local junit="$LOG_DIR/pytest-$(printf '%s' "$label" | tr -c 'a-zA-Z0-9' '-').xml"
  local rc passed failed
  set +e
  DISCORDPROXY_BIN_DIR="$bin_dir" "$python" -m pytest tests/python -q -p no:cacheprovider \
    --tb=native --junitxml="$junit" "$@"
  rc=$?
  set -e
  read -r passed failed < <(
    "$python" - "$junit" <<'PY' || echo "0 0"
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
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  if [ "$rc" -eq 0 ]; then
    record "$label" "ok: $passed passed, $failed failed"
  else
    # exit 5 = no test collected: a failure too
    record "$label" "FAILED (exit $rc): $passed passed, $failed failed"
    FAILED=1
    if [ "$failed" -eq 0 ]; then TOTAL_FAILED=$((TOTAL_FAILED + 1)); fi
  fi
}

# The wheel (step 5) is packed beside the 1.5.1 suite, which mostly waits on its sockets.
WHEEL_DIR="$LOG_DIR/dist"
WHEEL_BUILD_PID=""
if [ "${SKIP_WHEEL:-0}" != "1" ]; then
  WHEEL_BUILD_STARTED=$(date +%s)
  bash scripts/build-wheel.sh --host "$WHEEL_DIR" >"$LOG_DIR/wheel-build.log" 2>&1 &
  WHEEL_BUILD_PID=$!
fi

step "pytest tests/python (unmodified PyPI discordproxy 1.5.1 client)"
run_pytest "pytest (1.5.1 client)" .venv/bin/python "${DISCORDPROXY_BIN_DIR:-$ROOT/target/debug}" "$@"

if [ "${SKIP_WHEEL:-0}" = "1" ]; then
  record "wheel" "skipped (SKIP_WHEEL=1)"
  summary
  exit "$FAILED"
fi

# --- 5. the wheel, installed over discordproxy 1.5.1 in a fresh venv -----------------------
step "scripts/build-wheel.sh --host (this machine's wheel from the step 1 build; started beside step 4)"
set +e
wait "$WHEEL_BUILD_PID"
WHEEL_BUILD_RC=$?
set -e
WHEEL_BUILD_PID=""
cat "$LOG_DIR/wheel-build.log"
STEP_STARTED=$WHEEL_BUILD_STARTED
if [ "$WHEEL_BUILD_RC" -eq 0 ]; then
  WHEEL=$(ls "$WHEEL_DIR"/discordproxy-*.whl)
  record "wheel build" "ok: $(basename "$WHEEL"), $(($(stat -c %s "$WHEEL") / 1024)) KiB (wall time from its start beside step 4)"
else
  record "wheel build" "FAILED"
  FAILED=1
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
  summary
  exit 1
fi

step "fresh venv: discordproxy 1.5.1 + test requirements, then the wheel over them (no cargo, no rustc)"
set +e
wait "$WHEEL_VENV_PID"
WHEEL_VENV_RC=$?
set -e
WHEEL_VENV_PID=""
if [ "$WHEEL_VENV_RC" -ne 0 ]; then
  cat "$LOG_DIR/wheel-venv-setup.log"
  record "wheel venv" "FAILED (exit $WHEEL_VENV_RC): setting up the requirements"
  FAILED=1
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
  summary
  exit 1
fi
set +e
(
  set -e
  export PATH="$NO_RUST_PATH"
  pip() { "$WHEEL_VENV/bin/python" -m pip --disable-pip-version-check "$@"; }
  pip install --quiet "$WHEEL"
  pip check
  "$WHEEL_VENV/bin/discordproxyserver" --version
  "$WHEEL_VENV/bin/python" - <<'PY'
import importlib.metadata as md
import pathlib

import discordproxy

version = md.version("discordproxy")
assert version.startswith("2."), f"installed discordproxy is {version}, not ours"
assert discordproxy.__version__ == version, (discordproxy.__version__, version)
package = pathlib.Path(discordproxy.__file__).parent
stale = [name for name in ("_server.py", "_api.py", "_discord_client.py") if (package / name).exists()]
assert not stale, f"files of discordproxy 1.5.1 left behind: {stale}"
import subprocess
import sys

bin_dir = pathlib.Path(sys.executable).parent
for program in ("discordproxyserver", "discordproxymessage"):
    out = subprocess.run([bin_dir / program, "--version"], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == f"{program} {version}", f"{program} --version printed {out!r}, not ours"
    head = (bin_dir / program).read_bytes()[:4]
    assert head == b"\x7fELF", f"{program} is not our binary (1.5.1's was a Python script)"
print(f"discordproxy {version} replaced 1.5.1 cleanly in {package}")
PY
) >"$LOG_DIR/wheel-venv.log" 2>&1
WHEEL_VENV_RC=$?
set -e
cat "$LOG_DIR/wheel-venv.log"
if [ "$WHEEL_VENV_RC" -ne 0 ]; then
  record "wheel venv" "FAILED (exit $WHEEL_VENV_RC)"
  FAILED=1
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
  summary
  exit 1
fi
SERVER_VERSION=$("$WHEEL_VENV/bin/discordproxyserver" --version)
record "wheel venv" "ok: over 1.5.1, $SERVER_VERSION"

# --- 6. the suite with our client -----------------------------------------------------------
step "pytest tests/python (our discordproxy client from the wheel, venv/bin/discordproxyserver)"
PATH="$NO_RUST_PATH" DISCORDPROXY_EMULATOR_BIN="$ROOT/target/debug/discord-emulator" \
  run_pytest "pytest (our client, wheel)" "$WHEEL_VENV/bin/python" "$WHEEL_VENV/bin" "$@"

summary
exit "$FAILED"
