# Sourced by bench/ratelimit and bench/throughput: builds the release binaries unless a
# --bin-dir (or --help) is given, and sets PYTHON to an interpreter with grpcio and the stubs of
# the PyPI discordproxy package: the repo's .venv (scripts/test.sh) or bench/.venv-original
# (bench/run), else a new bench/.venv-original. Expects ROOT, say() and the script's "$@".

build=1
for arg in "$@"; do
  case "$arg" in
    --bin-dir|--bin-dir=*|-h|--help) build=0 ;;
  esac
done
if [ "$build" -eq 1 ]; then
  say "cargo build --release --workspace --bins (release binaries, as bench/run)"
  cargo build --release --quiet --workspace --bins
fi

has_stubs() {
  [ -x "$1" ] && "$1" -c 'import grpc, discordproxy.discord_api_pb2_grpc' >/dev/null 2>&1
}
PYTHON=""
for candidate in "$ROOT/.venv/bin/python" "$ROOT/bench/.venv-original/bin/python"; do
  if has_stubs "$candidate"; then PYTHON="$candidate"; break; fi
done
if [ -z "$PYTHON" ]; then
  say "creating bench/.venv-original (grpcio and the discordproxy stubs from PyPI)"
  rm -rf bench/.venv-original
  python3 -m venv bench/.venv-original
  bench/.venv-original/bin/python -m pip install --quiet --disable-pip-version-check \
    -r bench/requirements-original.txt
  PYTHON="$ROOT/bench/.venv-original/bin/python"
  has_stubs "$PYTHON" || { say "grpcio / discordproxy do not import"; exit 1; }
fi
