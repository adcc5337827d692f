#!/usr/bin/env python3
"""Channel-message throughput under Discord's global limit: messages per second that
SendChannelMessage reaches when the channel check costs a REST call and when the gateway cache
answers it.

Run it through `bench/throughput` (which builds the release binaries and picks the Python
environment). For each mode this script starts a fresh `discord-emulator --rate-limits discord`
with bench/fixtures/ratelimit.json widened to `--channels` (100) text channels (message create
5 per 5 s per channel, global 50 requests/s) and a fresh `discordproxyserver` against it:

- `two-calls`: `--no-gateway`, no channel cache: each message costs `GET /channels/{id}` (the
  channel check) plus `POST /channels/{id}/messages`, the server's behaviour before the one-call
  change and still its behaviour without a gateway;
- `one-call`: with the gateway; the channels arrive in GUILD_CREATE, so each message costs only
  the POST.

Then `--concurrency` (100) gRPC clients, one HTTP/2 connection each, send SendChannelMessage
round-robin over the channels for `--duration` seconds. With 100 channels a channel sees at most
0.5 messages/s, far below its 1/s bucket, so the global limit alone bounds the rate: 25
messages/s with two calls, 50 with one.

Measured, per mode (from the emulator's request log, for requests that arrived during the run):
messages created per second, REST requests per second, REST requests per message, 429s, and the
clients' successes, failures and latency.

Uses grpcio and the generated stubs of the PyPI `discordproxy` package, and the process and load
helpers of bench/ratelimit.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import ratelimit
from ratelimit import API, Emulator, Server, drive, log, rate_limit_delta, tail

ratelimit.LOG_NAME = "throughput"
ROOT = Path(__file__).resolve().parents[1]
MODES = {"two-calls": False, "one-call": True}  # mode -> gateway on
FIRST_BENCH_ID = 410000000000000001
SETTLE_S = 2.0


def widened_fixture(base: Path, channels: int, out: Path) -> tuple[dict, list[int]]:
    """The rate-limit fixture with its bench category filled to `channels` text channels."""
    fixture = json.loads(base.read_text())
    guild = fixture["guilds"][0]
    existing = {c["id"] for c in guild["channels"]}
    bench = [c for c in guild["channels"] if c.get("name", "").startswith("bench-")]
    parent = bench[0]["parent_id"]
    for n in range(len(bench) + 1, channels + 1):
        channel_id = str(FIRST_BENCH_ID + n - 1)
        assert channel_id not in existing, channel_id
        guild["channels"].append({
            "id": channel_id, "type": 0, "name": f"bench-{n:03}", "position": n - 1,
            "parent_id": parent,
        })
    out.write_text(json.dumps(fixture, indent=1))
    ids = [int(c["id"]) for c in guild["channels"] if c.get("name", "").startswith("bench-")]
    return fixture, ids[:channels]


def wait_for_guild_create(emulator: Emulator, timeout: float = 60.0) -> None:
    """Until the server's gateway session has received READY and GUILD_CREATE (sequence >= 2)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sessions = emulator.get("/_emulator/gateway/sessions")
        if any(s["connected"] and s["seq"] >= 2 for s in sessions):
            return
        time.sleep(0.1)
    raise RuntimeError(f"no gateway session with GUILD_CREATE after {timeout}s")


def count(entries: list[dict], channels: list[int], started: float, ended: float) -> dict:
    """Messages created and REST requests made during the run, from the request log."""
    posts = {f"{API}/channels/{c}/messages" for c in channels}
    created, requests, channel_gets = set(), 0, 0
    by_route: dict[str, int] = {}
    for r in entries:
        at = ratelimit.parse_time(r["time"])
        if not started <= at <= ended:
            continue
        requests += 1
        path = r["path"].split("?", 1)[0]
        key = f"{r['method']} {path.removeprefix(API).split('/')[1]} -> {r.get('status')}"
        by_route[key] = by_route.get(key, 0) + 1
        if r["method"] == "GET" and path.startswith(f"{API}/channels/") and path.count("/") == 4:
            channel_gets += 1
        if r["method"] == "POST" and path in posts and r.get("status") == 200:
            response = r.get("response")
            created.add(response.get("id") if isinstance(response, dict) else f"?{requests}")
    return {"created": len(created), "requests": requests, "channel_gets": channel_gets,
            "by_route_and_status": dict(sorted(by_route.items()))}


def run_mode(mode: str, args, bins: Path, fixture: dict, fixture_path: Path,
             channels: list[int], work: Path) -> dict:
    gateway = MODES[mode]
    log(f"{mode}: starting the emulator and the server ({'gateway' if gateway else '--no-gateway'})")
    emulator = Emulator(bins / "discord-emulator", fixture_path, "on-429", work)
    server = None
    try:
        server = Server(bins / "discordproxyserver", emulator, fixture["token"], work, mode,
                        gateway=gateway)
        server.wait_ready()
        if gateway:
            wait_for_guild_create(emulator)
        time.sleep(1.0)  # the start-up calls' global window is over
        stats_before = emulator.get("/_emulator/stats")
        log(f"{mode}: {args.concurrency} clients for {args.duration:g} s over "
            f"{len(channels)} channels")
        load = drive(server.target, channels, args.concurrency, args.duration, args.deadline, mode)
        time.sleep(SETTLE_S)
        if server.proc.poll() is not None:
            raise RuntimeError(f"the server exited during the run:\n{tail(server.output_path)}")
        stats_after = emulator.get("/_emulator/stats")
        entries = emulator.get("/_emulator/requests")
    finally:
        if server is not None:
            server.stop()
        emulator.stop()
    duration = load["ended"] - load["started"]
    counted = count(entries, channels, load["started"], load["ended"])
    limited = rate_limit_delta(stats_before, stats_after)
    created = counted["created"]
    result = {
        "mode": mode,
        "gateway": gateway,
        "duration_s": round(duration, 3),
        "messages": created,
        "messages_per_s": round(created / duration, 2),
        "requests_per_s": round(counted["requests"] / duration, 2),
        "requests_per_message": round(counted["requests"] / created, 3) if created else None,
        "channel_gets": counted["channel_gets"],
        "rate_limited": limited["by_scope"],
        "clients": load,
        "requests": counted,
    }
    log(f"{mode}: {result['messages_per_s']} messages/s, {result['requests_per_s']} REST "
        f"requests/s ({result['requests_per_message']} per message), 429s "
        f"{limited['by_scope']['total']}, RPC ok {load['ok']}, failed {load['failed'] or 0}")
    return result


def table(results: list[dict]) -> str:
    lines = [
        "| mode | server | messages/s | REST requests/s | REST requests per message "
        "| GET /channels/{id} | 429s | RPC ok | RPC failed | p50 / p99 s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in results:
        c = r["clients"]
        lines.append(
            f"| `{r['mode']}` | {'gateway (channel cache)' if r['gateway'] else '`--no-gateway`'} "
            f"| {r['messages_per_s']:.1f} | {r['requests_per_s']:.1f} "
            f"| {r['requests_per_message']} | {r['channel_gets']:,} "
            f"| {r['rate_limited']['total']:,} | {c['ok']:,} | {ratelimit.fmt_codes(c['failed'])} "
            f"| {ratelimit.fmt_s(c['latency_s']['p50'])} / {ratelimit.fmt_s(c['latency_s']['p99'])} |"
        )
    return "\n".join(lines)


def markdown(report: dict) -> str:
    p = report["parameters"]
    out = [
        f"# Channel-message throughput, {report['date']}",
        "",
        f"Command: `{report['command']}`; commit `{report['commit']}`"
        + (f"; label: {report['label']}" if report["label"] else "") + ".",
        "",
        f"{p['concurrency']} gRPC clients (one connection each) send SendChannelMessage "
        f"round-robin over {p['channels']} text channels for {p['duration_s']:g} s against "
        "`discord-emulator --rate-limits discord` (message create 5 per 5 s per channel, global "
        f"{p['global_per_second']} requests/s); a fresh emulator and server per mode. "
        "`two-calls`: `discordproxyserver --no-gateway` checks the channel with "
        "`GET /channels/{id}` before each POST (the behaviour before the one-call change); "
        "`one-call`: with the gateway the channel is in the cache and only the POST is made. "
        "Counts are from the emulator's request log for requests that arrived during the run.",
        "",
        table(report["results"]),
        "",
        "REST requests by route and status:",
        "",
    ]
    for r in report["results"]:
        out.append(f"- `{r['mode']}`: " + ", ".join(
            f"{k} ×{v:,}" for k, v in r["requests"]["by_route_and_status"].items()))
    out += ["", ratelimit.machine_line(report), ""]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load per mode")
    parser.add_argument("--quick", action="store_true",
                        help="10 s per mode, report in a temporary folder")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="modes, comma-separated (default: two-calls,one-call)")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--deadline", type=float, default=30.0, help="gRPC deadline per call")
    parser.add_argument("--bin-dir", type=Path, default=ROOT / "target" / "release")
    parser.add_argument("--fixture", type=Path, default=ratelimit.FIXTURE)
    parser.add_argument("--out", type=Path, help="results folder (default: bench/results)")
    parser.add_argument("--label", default="", help="free text recorded in the report")
    parser.add_argument("--command", default="bench/throughput", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.duration = 10.0
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for mode in modes:
        if mode not in MODES:
            parser.error(f"unknown mode {mode!r} ({', '.join(MODES)})")
    if not 1 <= args.channels <= 900:
        parser.error("--channels must be 1-900")
    bins = args.bin_dir.resolve()
    for name in ("discord-emulator", "discordproxyserver"):
        if not (bins / name).is_file():
            parser.error(f"{bins / name} not found (cargo build --release --workspace --bins)")
    work = Path(tempfile.mkdtemp(prefix="discordproxy-throughput."))
    fixture_path = work / "fixture.json"
    fixture, channels = widened_fixture(args.fixture, args.channels, fixture_path)
    report = {
        "date": datetime.date.today().isoformat(),
        "command": args.command,
        "commit": ratelimit.git_commit(),
        "label": args.label,
        "bin_dir": str(bins),
        "machine": ratelimit.machine(),
        "parameters": {
            "duration_s": args.duration,
            "concurrency": args.concurrency,
            "channels": len(channels),
            "deadline_s": args.deadline,
            "global_per_second": fixture.get("rate_limits", {}).get("global_per_second", 50),
            "modes": modes,
        },
        "results": [],
    }
    try:
        for mode in modes:
            report["results"].append(
                run_mode(mode, args, bins, fixture, fixture_path, channels, work))
    except BaseException:
        log(f"failed; process output kept in {work}")
        raise
    report["loadavg_after"] = round(os.getloadavg()[0], 2)
    shutil.rmtree(work, ignore_errors=True)
    out_dir = args.out or (
        Path(tempfile.mkdtemp(prefix="throughput-quick.")) if args.quick
        else ROOT / "bench" / "results"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"throughput-{report['date']}"
    (out_dir / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    (out_dir / f"{stem}.md").write_text(markdown(report))
    print(table(report["results"]))
    print(f"\nreport: {out_dir / (stem + '.md')} (raw: {stem}.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
