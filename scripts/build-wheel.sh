#!/usr/bin/env bash
# Builds the `discordproxy` wheel that installs on common Linux hosts without a Rust toolchain:
#   dist/discordproxy-<version>-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
# (release binaries linked against glibc 2.17 with zig from PyPI; maturin checks the manylinux
# policy). The build goes through the project's own PEP 517 backend, as `pip install .` does, so
# the wheel carries the modules generated from proto/discord_api.proto.
#
#   scripts/build-wheel.sh [--profile NAME | --host] [OUT_DIR]     default OUT_DIR: dist/
#
# --profile: cargo profile of the binaries (default release, as pyproject.toml says), still a
# manylinux2014 wheel built with zig.
# --host: a wheel for this machine only (tag linux_x86_64, linked against its glibc, no zig,
# no policy check) with the dev-profile binaries, reusing what `cargo build` already compiled
# in target/debug: the test suite's wheel (scripts/test.sh), seconds instead of minutes. The
# packaging (backend, generated modules, scripts) is the same as the manylinux wheel's.
#
# The build tools go into target/wheel-build/venv (maturin, grpcio-tools, mypy-protobuf, ziglang,
# pinned below); cargo's artifacts into target/x86_64-unknown-linux-gnu/ (kept between runs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PROFILE="release"
HOST=0
if [ "${1:-}" = "--profile" ]; then
  PROFILE="$2"
  shift 2
elif [ "${1:-}" = "--host" ]; then
  PROFILE="dev"
  HOST=1
  shift
fi
OUT="${1:-dist}"
VENV="target/wheel-build/venv"

say() { printf '[build-wheel] %s\n' "$*" >&2; }

if [ ! -x "$VENV/bin/python" ]; then
  say "build tools venv: $VENV"
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "maturin==1.16.0" "grpcio-tools==1.85.1" "mypy-protobuf==5.1.0" "ziglang==0.17.0"

mkdir -p "$OUT"
if [ "$HOST" = 1 ]; then
  ARGS="--compatibility linux --auditwheel skip --profile dev"
  say "pip wheel . (this machine's wheel: linux tag, cargo profile dev, target/debug reused)"
else
  ARGS="--zig --compatibility manylinux2014 --auditwheel check --profile $PROFILE"
  say "pip wheel . (maturin --zig, manylinux2014, cargo profile $PROFILE)"
fi
started=$(date +%s)
# The backend's requirements are in $VENV (no isolation: nothing downloaded again per build).
# maturin finds zig through the `ziglang` module of the interpreter it runs under.
PATH="$ROOT/$VENV/bin:$PATH" \
MATURIN_PEP517_ARGS="$ARGS" \
  "$VENV/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps \
  --no-build-isolation --wheel-dir "$OUT" .
say "built in $(($(date +%s) - started)) s:"
ls -l "$OUT"/discordproxy-*.whl >&2
