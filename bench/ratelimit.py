#!/usr/bin/env python3
"""Rate-limit efficiency benchmark: how much of Discord's message-create allowance our server
uses under over-demand, and how many 429s it takes doing so.

Run it through `bench/ratelimit` (which builds the release binaries and picks the Python
environment). For each scope-header mode (`on-429`: `X-RateLimit-Scope` only on 429s, as Discord
documents; `always`: also on every limited response) this script starts a fresh
`discord-emulator --rate-limits discord` with bench/fixtures/ratelimit.json (the default fixture
plus 20 text channels; message create 5 per 5 s per channel, global 50 requests/s) and a fresh
`discordproxyserver --no-gateway` against it. Then `--concurrency` (50) gRPC clients, one HTTP/2
connection each, send SendChannelMessage round-robin over the 20 channels for `--duration`
seconds, each call with a gRPC deadline of `--deadline` (30) seconds; calls still in flight at
the end are cancelled.

Measured, per mode:
- allowed = channels x limit x ceil(duration / window): the emulator's windows are fixed and
  open with a channel's first request, so a client that always has a message waiting opens a
  window every 5 s from the start; this counts the windows that start within the run (for 60 s:
  windows at 0, 5, ..., 55 s = 12, so 20 x 5 x 12 = 1,200).
- achieved = messages the emulator created during the run: distinct message ids answered 200
  to POST /channels/{id}/messages on the bench channels, for requests that arrived between the
  first call and the end of the run (from /_emulator/requests).
- efficiency = achieved / allowed (goal >= 0.95).
- 429s by scope: the change of /_emulator/stats `rate_limited` over the run, and the 429s
  beyond one per bucket: for each bucket (route + major parameter, from the stats' `buckets`)
  its user-scope 429s minus one, plus every global, shared and other 429 (goal 0).
- the clients' view: successes, failures by gRPC status code, latency of the successes.

Uses grpcio and the generated stubs of the PyPI `discordproxy` package (no other dependency).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import math
import os
import platform
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import grpc
from discordproxy.discord_api_pb2 import SendChannelMessageRequest
from discordproxy.discord_api_pb2_grpc import DiscordApiStub

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "bench" / "fixtures" / "ratelimit.json"
API = "/api/v10"
MESSAGES_ROUTE = "POST /channels/{channel_id}/messages"
MODES = ["on-429", "always"]
STARTUP_TIMEOUT = 60.0
SETTLE_S = 2.0  # after the end: late requests show up in the log before it is read


LOG_NAME = "ratelimit"  # the prefix of log lines (bench/throughput.py sets its own)


def log(message: str) -> None:
    print(f"[{LOG_NAME} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -------------------------------------------------------------------------------------------
# processes
# -------------------------------------------------------------------------------------------


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if it does not exit in time (only processes this script started)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "<no output>"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    def __init__(self, binary: Path, fixture: Path, scope_header: str, work: Path,
                 rate_limits: str = "discord", name: str | None = None):
        self.stderr_path = work / f"emulator-{name or scope_header}.stderr"
        self.proc = subprocess.Popen(
            [
                str(binary),
                "--listen", "127.0.0.1:0",
                "--fixture", str(fixture),
                "--rate-limits", rate_limits,
                "--scope-header", scope_header,
            ],
            stdout=subprocess.PIPE,
            stderr=open(self.stderr_path, "wb"),
            stdin=subprocess.DEVNULL,
            env={**os.environ, "RUST_LOG": "warn"},
        )
        ready, _, _ = select.select([self.proc.stdout], [], [], STARTUP_TIMEOUT)
        first = self.proc.stdout.readline().decode(errors="replace").strip() if ready else ""
        m = re.fullmatch(r"discord-emulator listening on (http://127\.0\.0\.1:\d+)/?", first)
        if not m:
            stop(self.proc)
            raise RuntimeError(
                f"discord-emulator did not start (first line {first!r}):\n{tail(self.stderr_path)}"
            )
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()  # drain stdout
        self.base_url = m.group(1)
        self.api_url = self.base_url + API

    def get(self, path: str):
        with urllib.request.urlopen(self.base_url + path, timeout=60) as resp:
            return json.loads(resp.read())

    def stop(self) -> None:
        stop(self.proc)


class Server:
    def __init__(self, binary: Path, emulator: Emulator, token: str, work: Path, name: str,
                 gateway: bool = False, extra_args: list[str] | None = None):
        self.port = free_port()
        self.target = f"127.0.0.1:{self.port}"
        self.output_path = work / f"server-{name}.output"
        log_dir = work / f"server-{name}-logs"
        log_dir.mkdir(exist_ok=True)
        env = {**os.environ, "DISCORD_BOT_TOKEN": token}
        env.pop("DISCORDPROXY_API_URL", None)
        self.proc = subprocess.Popen(
            [
                str(binary),
                "--host", "127.0.0.1",
                "--port", str(self.port),
                "--discord-api-url", emulator.api_url,
                *([] if gateway else ["--no-gateway"]),
                "--log-file-path", str(log_dir),
                *(extra_args or []),
            ],
            stdout=open(self.output_path, "wb"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=work,
            env=env,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        with grpc.insecure_channel(self.target) as channel:
            future = grpc.channel_ready_future(channel)
            while True:
                try:
                    future.result(timeout=0.5)
                    return
                except grpc.FutureTimeoutError:
                    pass
                if self.proc.poll() is not None:
                    raise RuntimeError(
                        f"discordproxyserver exited ({self.proc.returncode}):\n"
                        + tail(self.output_path)
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"discordproxyserver not ready after {STARTUP_TIMEOUT}s:\n"
                        + tail(self.output_path)
                    )

    def stop(self) -> None:
        stop(self.proc)


# -------------------------------------------------------------------------------------------
# the load
# -------------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def drive(target: str | list[str], channels: list[int], concurrency: int, duration: float,
          deadline: float, label: str) -> dict:
    """`concurrency` clients (one gRPC channel each), each with one call in flight, round-robin
    over `channels`, until `duration` seconds have passed; then in-flight calls are cancelled.
    With several targets (instances of one deployment), client `i` uses target `i % targets`."""
    targets = [target] if isinstance(target, str) else target
    grpc_channels = [grpc.insecure_channel(targets[i % len(targets)]) for i in range(concurrency)]
    for channel in grpc_channels:
        grpc.channel_ready_future(channel).result(timeout=10)
    stubs = [DiscordApiStub(channel) for channel in grpc_channels]
    counter = itertools.count()
    lock = threading.Lock()
    stopping = threading.Event()
    inflight: dict[int, grpc.Future] = {}
    ok_latencies: list[float] = []
    codes: dict[str, int] = {}
    samples: dict[str, str] = {}
    cancelled = [0]

    def worker(i: int) -> None:
        stub = stubs[i]
        while True:
            with lock:
                if stopping.is_set():
                    return
                n = next(counter)
            request = SendChannelMessageRequest(
                channel_id=channels[n % len(channels)], content=f"ratelimit bench {label} #{n}"
            )
            done = threading.Event()
            begin = time.monotonic()
            future = stub.SendChannelMessage.future(request, timeout=deadline)
            future.add_done_callback(lambda _f: done.set())
            with lock:
                inflight[i] = future
            if stopping.is_set():  # the end came while this call was being made
                future.cancel()
            done.wait()
            elapsed = time.monotonic() - begin
            with lock:
                inflight.pop(i, None)
                if future.cancelled():
                    cancelled[0] += 1
                    return
                error = future.exception()
                if error is None:
                    ok_latencies.append(elapsed)
                else:
                    name = error.code().name if hasattr(error, "code") else type(error).__name__
                    codes[name] = codes.get(name, 0) + 1
                    if hasattr(error, "details"):
                        samples.setdefault(name, (error.details() or "")[:200])

    threads = [
        threading.Thread(target=worker, args=(i,), daemon=True, name=f"client-{i}")
        for i in range(concurrency)
    ]
    started_wall = time.time()
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, duration - (time.monotonic() - started)))
    with lock:
        stopping.set()
        ended_wall = time.time()
        pending = list(inflight.values())
    for future in pending:
        future.cancel()
    for thread in threads:
        thread.join(timeout=10)
    for channel in grpc_channels:
        channel.close()
    ok_latencies.sort()
    return {
        "started": started_wall,
        "ended": ended_wall,
        "calls_started": next(counter),
        "ok": len(ok_latencies),
        "failed": dict(sorted(codes.items())),
        "failed_total": sum(codes.values()),
        "failure_samples": samples,
        "cancelled_at_end": cancelled[0],
        "latency_s": {
            "p50": percentile(ok_latencies, 50),
            "p90": percentile(ok_latencies, 90),
            "p99": percentile(ok_latencies, 99),
            "max": ok_latencies[-1] if ok_latencies else None,
        },
    }


# -------------------------------------------------------------------------------------------
# the measurement
# -------------------------------------------------------------------------------------------


def parse_time(text: str) -> float:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def bucket_key(bucket: dict) -> tuple[str, str]:
    return (bucket["route"], bucket["major"])


def rate_limit_delta(before: dict, after: dict) -> dict:
    scopes = ["user", "global", "shared", "other", "total"]
    by_scope = {s: after["rate_limited"][s] - before["rate_limited"][s] for s in scopes}
    old = {bucket_key(b): b["rate_limited"] for b in before["buckets"]}
    per_bucket = {}
    for bucket in after["buckets"]:
        n = bucket["rate_limited"] - old.get(bucket_key(bucket), 0)
        if n:
            per_bucket[f"{bucket['route']} {bucket['major']}"] = n
    beyond_one = sum(n - 1 for n in per_bucket.values() if n > 1)
    beyond_one += by_scope["global"] + by_scope["shared"] + by_scope["other"]
    by_route: dict[str, dict] = {}
    for key, n in per_bucket.items():
        route = key.rsplit(" ", 1)[0]
        entry = by_route.setdefault(route, {"buckets_with_429": 0, "429s": 0})
        entry["buckets_with_429"] += 1
        entry["429s"] += n
    return {
        "by_scope": by_scope,
        "beyond_one_per_bucket": beyond_one,
        "by_route": by_route,
        "per_bucket": per_bucket,
        "buckets_listed": len(after["buckets"]),
        "buckets_total": after.get("buckets_total"),
        "cloudflare_answers": after["cloudflare"]["answers"] - before["cloudflare"]["answers"],
    }


def count_requests(log_entries: list[dict], channels: list[int], started: float,
                   ended: float) -> dict:
    """Message creates and other REST requests of the run, from the emulator's request log."""
    wanted = {f"{API}/channels/{c}/messages": c for c in channels}
    created: dict[str, float] = {}  # message id -> arrival
    per_channel = {c: 0 for c in channels}
    statuses: dict[str, int] = {}
    after_end = 0
    in_run = 0
    unreadable = 0
    for r in log_entries:
        at = parse_time(r["time"])
        if at < started:
            continue
        if at > ended:
            after_end += 1
            continue
        in_run += 1
        path = r["path"].split("?", 1)[0]
        route = f"{r['method']} {re.sub(r'/[0-9]+', '/{id}', path.removeprefix(API))}"
        key = f"{route} -> {r.get('status')}"
        statuses[key] = statuses.get(key, 0) + 1
        channel = wanted.get(path)
        if r["method"] == "POST" and channel is not None and r.get("status") == 200:
            response = r.get("response")
            message_id = response.get("id") if isinstance(response, dict) else None
            if message_id is None:
                unreadable += 1
                message_id = f"unknown-{unreadable}"
            if message_id not in created:
                per_channel[channel] += 1
            created[message_id] = at
    return {
        "created": len(created),
        "per_channel_min": min(per_channel.values()),
        "per_channel_max": max(per_channel.values()),
        "requests_in_run": in_run,
        "requests_after_end": after_end,
        "by_route_and_status": dict(sorted(statuses.items())),
        "created_without_readable_id": unreadable,
    }


def run_mode(mode: str, args, bins: Path, fixture: dict, channels: list[int], work: Path) -> dict:
    log(f"{mode}: starting the emulator (--scope-header {mode}) and the server")
    emulator = Emulator(bins / "discord-emulator", args.fixture, mode, work)
    server = None
    try:
        server = Server(bins / "discordproxyserver", emulator, fixture["token"], work, mode)
        server.wait_ready()
        time.sleep(1.0)  # the start-up token check is done and its window is over
        stats_before = emulator.get("/_emulator/stats")
        assert stats_before["scope_header"] == mode, stats_before["scope_header"]
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
    limit, window_s = args.limit, args.window_s
    windows = math.ceil(args.duration / window_s - 1e-9)
    allowed = len(channels) * limit * windows
    requests = count_requests(entries, channels, load["started"], load["ended"])
    limited = rate_limit_delta(stats_before, stats_after)
    result = {
        "scope_header": mode,
        "duration_s": round(duration, 3),
        "windows": windows,
        "limit_per_window": limit,
        "allowed": allowed,
        "achieved": requests["created"],
        "efficiency": round(requests["created"] / allowed, 4) if allowed else None,
        "rate_limited": limited,
        "clients": load,
        "requests": requests,
    }
    log(
        f"{mode}: achieved {result['achieved']} of {allowed} allowed "
        f"(efficiency {result['efficiency']:.3f}); 429s {limited['by_scope']['total']} "
        f"(user {limited['by_scope']['user']}, global {limited['by_scope']['global']}), "
        f"{limited['beyond_one_per_bucket']} beyond one per bucket; RPC ok {load['ok']}, "
        f"failed {load['failed'] or 0}, cancelled at the end {load['cancelled_at_end']}"
    )
    return result


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "grpcio": grpc.__version__,
        "loadavg_before": round(os.getloadavg()[0], 2),
    }


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty", "--exclude", "*"],
            capture_output=True, text=True, timeout=10,
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


# -------------------------------------------------------------------------------------------
# the report
# -------------------------------------------------------------------------------------------


def fmt_codes(codes: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in codes.items()) or "0"


def fmt_s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def table(results: list[dict]) -> str:
    lines = [
        "| scope header | allowed | achieved | efficiency (≥ 0.95) | 429s user / global / total "
        "| 429s beyond one per bucket (0) | RPC ok | RPC failed | cancelled at end "
        "| p50 / p99 s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in results:
        s = r["rate_limited"]["by_scope"]
        c = r["clients"]
        lines.append(
            f"| `{r['scope_header']}` | {r['allowed']:,} | {r['achieved']:,} "
            f"| {r['efficiency']:.3f} | {s['user']:,} / {s['global']:,} / {s['total']:,} "
            f"| {r['rate_limited']['beyond_one_per_bucket']:,} | {c['ok']:,} "
            f"| {fmt_codes(c['failed'])} | {c['cancelled_at_end']} "
            f"| {fmt_s(c['latency_s']['p50'])} / {fmt_s(c['latency_s']['p99'])} |"
        )
    return "\n".join(lines)


def partial_window_note(p: dict) -> str:
    cut = p["duration_s"] % p["window_s"]
    if cut < 1e-6:
        return ""
    return (
        f" The run is not a multiple of {p['window_s']:g} s: its last window has only {cut:g} s,"
        " which the global limit may not leave room to fill (efficiency below 1 even for an"
        " ideal server)."
    )


def markdown(report: dict) -> str:
    p = report["parameters"]
    out = [
        f"# Rate-limit efficiency, {report['date']}",
        "",
        f"Command: `{report['command']}`; commit `{report['commit']}`"
        + (f"; label: {report['label']}" if report["label"] else "")
        + ".",
        "",
        f"{p['concurrency']} gRPC clients (one connection each) send SendChannelMessage "
        f"round-robin over {p['channels']} text channels for {p['duration_s']:g} s, each call with "
        f"a {p['deadline_s']:g} s deadline (calls in flight at the end are cancelled), against "
        f"`discord-emulator --rate-limits discord` (`{Path(p['fixture']).relative_to(ROOT)}`: "
        f"message create {p['limit']} per {p['window_s']:g} s per channel, global "
        f"{p['global_per_second']} requests/s) and `discordproxyserver --no-gateway`; a fresh "
        "emulator and server per scope-header mode.",
        "",
        f"allowed = channels × limit × ceil(duration / {p['window_s']:g} s) = {p['channels']} × "
        f"{p['limit']} × {report['results'][0]['windows']} (the windows that start within the run); "
        "achieved = messages the emulator created for requests that arrived during the run; "
        "429s from `/_emulator/stats`; beyond one per bucket = Σ over buckets (route + channel) "
        "of max(0, 429s − 1) + every global/shared/other 429."
        + partial_window_note(p),
        "",
        table(report["results"]),
        "",
        "Details:",
        "",
    ]
    for r in report["results"]:
        req = r["requests"]
        lim = r["rate_limited"]
        out.append(
            f"- `{r['scope_header']}`: run {r['duration_s']:g} s; {r['clients']['calls_started']:,} "
            f"calls started; messages per channel {req['per_channel_min']}–{req['per_channel_max']}; "
            f"REST requests during the run {req['requests_in_run']:,} "
            f"({req['requests_in_run'] / r['duration_s']:.1f}/s), after the end "
            f"{req['requests_after_end']}; user-scope 429s by route: "
            + (", ".join(f"{route}: {v['429s']} in {v['buckets_with_429']} buckets"
                         for route, v in lim["by_route"].items()) or "none")
            + f"; global 429s {lim['by_scope']['global']}; Cloudflare answers "
            f"{lim['cloudflare_answers']}."
        )
        out.append(
            "  REST requests by route and status: "
            + ", ".join(f"{k} ×{v:,}" for k, v in req["by_route_and_status"].items())
        )
        if r["clients"]["failure_samples"]:
            out.append(
                "  Failure samples: "
                + "; ".join(f"{k}: `{v}`" for k, v in r["clients"]["failure_samples"].items())
            )
    out += ["", machine_line(report), ""]
    return "\n".join(out)


def machine_line(report: dict) -> str:
    """The report's last line: the machine, its load and the binaries measured."""
    m = report["machine"]
    return (
        f"Machine: {m['nproc']} cores, {m['cpu']}, kernel {m['kernel']}, Python {m['python']}, "
        f"grpcio {m['grpcio']}; 1-minute load average {m['loadavg_before']} before the run, "
        f"{report['loadavg_after']} after. Binaries: `{report['bin_dir']}`."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per mode")
    parser.add_argument("--quick", action="store_true",
                        help="10 s per mode (two whole 5 s windows), report in a temporary folder")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="scope-header modes, comma-separated (default: on-429,always)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--channels", type=int, default=20,
                        help="bench channels used (at most the 20 of the fixture)")
    parser.add_argument("--deadline", type=float, default=30.0, help="gRPC deadline per call")
    parser.add_argument("--bin-dir", type=Path, default=ROOT / "target" / "release")
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--out", type=Path, help="results folder (default: bench/results)")
    parser.add_argument("--label", default="", help="free text recorded in the report")
    parser.add_argument("--command", default="bench/ratelimit", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.duration = 10.0
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for mode in modes:
        if mode not in MODES:
            parser.error(f"unknown mode {mode!r} (on-429, always)")
    bins = args.bin_dir.resolve()
    for name in ("discord-emulator", "discordproxyserver"):
        if not (bins / name).is_file():
            parser.error(f"{bins / name} not found (cargo build --release --workspace --bins)")
    fixture = json.loads(args.fixture.read_text())
    guild_channels = [c for g in fixture["guilds"] for c in g.get("channels", [])]
    channels = [
        int(c["id"]) for c in guild_channels if c.get("name", "").startswith("bench-")
    ][: args.channels]
    if len(channels) < args.channels:
        parser.error(f"the fixture has only {len(channels)} bench channels")
    limits = fixture.get("rate_limits", {})
    args.limit = limits.get(MESSAGES_ROUTE, {}).get("limit", 5)  # the emulator's defaults
    args.window_s = limits.get(MESSAGES_ROUTE, {}).get("per_ms", 5000) / 1000
    parameters = {
        "duration_s": args.duration,
        "concurrency": args.concurrency,
        "channels": len(channels),
        "deadline_s": args.deadline,
        "fixture": str(args.fixture.resolve()),
        "limit": args.limit,
        "window_s": args.window_s,
        "global_per_second": limits.get("global_per_second", 50),
        "modes": modes,
    }
    report = {
        "date": datetime.date.today().isoformat(),
        "command": args.command,
        "commit": git_commit(),
        "label": args.label,
        "bin_dir": str(bins),
        "machine": machine(),
        "parameters": parameters,
        "results": [],
    }
    work = Path(tempfile.mkdtemp(prefix="discordproxy-ratelimit."))
    try:
        for mode in modes:
            report["results"].append(run_mode(mode, args, bins, fixture, channels, work))
    except BaseException:
        log(f"failed; process output kept in {work}")
        raise
    report["loadavg_after"] = round(os.getloadavg()[0], 2)
    shutil.rmtree(work, ignore_errors=True)

    out_dir = args.out or (
        Path(tempfile.mkdtemp(prefix="ratelimit-quick.")) if args.quick else ROOT / "bench" / "results"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"ratelimit-{report['date']}"
    (out_dir / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    (out_dir / f"{stem}.md").write_text(markdown(report))
    print(table(report["results"]))
    print(f"\nreport: {out_dir / (stem + '.md')} (raw: {stem}.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
