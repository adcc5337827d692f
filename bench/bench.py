#!/usr/bin/env python3
"""Side-by-side benchmark: our discordproxyserver vs the original (PyPI discordproxy 1.5.1)
vs the REST floor, all against the Discord emulator on this machine.

Run it through `bench/run` (which builds the release binaries and the original's virtualenv);
this script only uses the Python standard library.

For each of ours, the original and the floor a fresh `discord-emulator --rate-limits off` is
started; each server is started fresh, warmed up with one call of each RPC, then measured:
idle RSS, REST calls per RPC (from the emulator's request log), then closed-loop load with
`discordproxy-loadgen` for every scenario and concurrency level (CPU time of the server before and
after each run, from /proc/PID/stat), and finally its peak RSS (VmHWM). Results go to
`<out>/<date>.md`, `<out>/<date>.json` (raw) and `<out>/<date>.png` (chart, drawn by the load
generator).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
API = "/api/v10"
TOKEN = "sandbox-bot-token"
DEFAULT_FIXTURE = ROOT / "crates" / "discord-emulator" / "fixtures" / "default.json"
CHANNEL_ID = 400000000000000002  # default fixture: text channel "general"
GUILD_ID = 300000000000000001  # default fixture: the guild (9 channels)
DM_USER_ID = 200000000000000001  # default fixture: Alice, accepts DMs
POOL_FIRST = 210000000000000001  # bench users added to the fixture, DMs open
SCENARIOS = ["channel", "dm-same", "dm-many", "guild-channels"]
SCENARIO_TITLES = {
    "channel": "SendChannelMessage",
    "dm-same": "SendDirectMessage, same user",
    "dm-many": "SendDirectMessage, new user each call",
    "guild-channels": "GetGuildChannels",
}
# Requests a server makes on its own (token check, gateway discovery), not because of an RPC.
BACKGROUND = {("GET", f"{API}/users/@me"), ("GET", f"{API}/gateway"), ("GET", f"{API}/gateway/bot")}
LABELS = ["ours", "original", "floor"]
# REST calls per iteration of the floor (see crates/discordproxy-loadgen/src/floor.rs).
FLOOR_REST_CALLS = {"channel": 2, "dm-same": 1, "dm-many": 3, "guild-channels": 2}
CLK_TCK = os.sysconf("SC_CLK_TCK")
STARTUP_TIMEOUT = 90.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -------------------------------------------------------------------------------------------
# /proc
# -------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def status_kib(pid: int, key: str) -> int:
    """A `kB` line of /proc/PID/status (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{key} not in /proc/{pid}/status")


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = status_like("/proc/meminfo", "MemTotal")
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "loadavg_before": round(os.getloadavg()[0], 2),
    }


def status_like(path: str, key: str) -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


# -------------------------------------------------------------------------------------------
# processes
# -------------------------------------------------------------------------------------------

STARTED: list[subprocess.Popen] = []


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it does not exit in time (only processes this script started)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    if proc in STARTED:
        STARTED.remove(proc)


def stop_all() -> None:
    for proc in list(STARTED):
        stop(proc)


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
    """A fresh discord-emulator process and its control API."""

    def __init__(self, bin_dir: Path, fixture: Path, work: Path, name: str):
        self.stderr_path = work / f"emulator-{name}.stderr"
        self.proc = subprocess.Popen(
            [
                str(bin_dir / "discord-emulator"),
                "--listen", "127.0.0.1:0",
                "--fixture", str(fixture),
                "--rate-limits", "off",
            ],
            stdout=subprocess.PIPE,
            stderr=open(self.stderr_path, "wb"),
            stdin=subprocess.DEVNULL,
            env={**os.environ, "RUST_LOG": "warn"},
        )
        STARTED.append(self.proc)
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

    def _http(self, method: str, path: str):
        req = urllib.request.Request(self.base_url + path, method=method)
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            return json.loads(raw) if raw else None

    def clear(self) -> None:
        self._http("DELETE", "/_emulator/requests")

    def requests(self) -> list[tuple[str, str]]:
        """(method, path) of every REST request since the last clear, background ones left out."""
        calls = [(r["method"], r["path"]) for r in self._http("GET", "/_emulator/requests")]
        return [c for c in calls if c not in BACKGROUND]

    def stop(self) -> None:
        stop(self.proc)


class Server:
    """A discordproxy server process (ours or the original)."""

    def __init__(self, label: str, argv: list[str], work: Path):
        self.label = label
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log_dir = work / f"log-{label}"
        log_dir.mkdir(exist_ok=True)
        self.stdout_path = work / f"{label}.stdout"
        self.stderr_path = work / f"{label}.stderr"
        argv = [*argv, "--token", TOKEN, "--port", str(self.port), "--log-file-path", str(log_dir)]
        self.proc = subprocess.Popen(
            argv,
            stdout=open(self.stdout_path, "wb"),
            stderr=open(self.stderr_path, "wb"),
            stdin=subprocess.DEVNULL,
            cwd=work,
        )
        STARTED.append(self.proc)
        self.pid = self.proc.pid

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(
                f"{self.label} server exited ({self.proc.returncode}):\n"
                f"{tail(self.stderr_path)}\n{tail(self.stdout_path)}"
            )

    def stop(self) -> None:
        stop(self.proc)


# -------------------------------------------------------------------------------------------
# the load generator
# -------------------------------------------------------------------------------------------


class Loadgen:
    def __init__(self, binary: Path):
        self.binary = binary

    def run(
        self,
        target: str,
        url: str,
        scenario: str,
        concurrency: int,
        calls: int,
        label: str,
        user_id: int = DM_USER_ID,
        user_count: int | None = None,
        timeout_secs: int = 30,
    ) -> dict:
        cmd = [
            str(self.binary), "run",
            "--target", target,
            "--url", url,
            "--scenario", scenario,
            "--concurrency", str(concurrency),
            "--calls", str(calls),
            "--label", label,
            "--token", TOKEN,
            "--channel-id", str(CHANNEL_ID),
            "--guild-id", str(GUILD_ID),
            "--user-id", str(user_id),
            "--user-count", str(user_count or calls),
            "--timeout-secs", str(timeout_secs),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            raise RuntimeError(f"loadgen failed ({out.returncode}): {out.stderr.strip()}")
        return json.loads(out.stdout.strip().splitlines()[-1])


# -------------------------------------------------------------------------------------------
# the measurement
# -------------------------------------------------------------------------------------------


class Users:
    """Hands out bench users that were never DMed before (per emulator/server pair)."""

    def __init__(self, first: int, count: int):
        self.next = first
        self.end = first + count

    def take(self, n: int) -> int:
        if self.next + n > self.end:
            raise RuntimeError("the bench fixture has too few users")
        start = self.next
        self.next += n
        return start


def normalize(call: tuple[str, str]) -> str:
    method, path = call
    path = path.removeprefix(API)
    path = re.sub(r"/\d+", "/{id}", path)
    return f"{method} {path}"


def wait_ready(server: Server, loadgen: Loadgen) -> float:
    """Retries a GetGuildChannels call until it succeeds; returns the seconds it took."""
    started = time.monotonic()
    last = ""
    while time.monotonic() - started < STARTUP_TIMEOUT:
        server.check_alive()
        try:
            r = loadgen.run("grpc", server.url, "guild-channels", 1, 1, server.label, timeout_secs=5)
            if r["ok"] == 1:
                return time.monotonic() - started
            last = str(r["error_samples"])
        except RuntimeError as e:
            last = str(e)
        time.sleep(0.3)
    raise RuntimeError(f"{server.label} server not ready after {STARTUP_TIMEOUT}s: {last}")


def measure_server(
    server: Server, emulator: Emulator, loadgen: Loadgen, plan: dict, users: Users
) -> dict:
    label = server.label
    ready_s = wait_ready(server, loadgen)
    log(f"{label}: ready after {ready_s:.1f}s (pid {server.pid})")
    for scenario in ("channel", "dm-same", "guild-channels"):
        r = loadgen.run("grpc", server.url, scenario, 1, 1, label)
        if r["ok"] != 1:
            raise RuntimeError(f"{label}: warm-up {scenario} failed: {r['error_samples']}")
    time.sleep(1.0)
    idle_rss = status_kib(server.pid, "VmRSS")
    log(f"{label}: idle RSS {idle_rss / 1024:.1f} MiB")

    # REST calls per RPC: one call each, counted in the emulator's request log.
    rest = {}
    new_user = users.take(1)
    cases = [
        ("SendChannelMessage", "channel", DM_USER_ID),
        ("SendDirectMessage, new user", "dm-same", new_user),
        ("SendDirectMessage, known user", "dm-same", new_user),
        ("GetGuildChannels", "guild-channels", DM_USER_ID),
    ]
    for name, scenario, user in cases:
        emulator.clear()
        r = loadgen.run("grpc", server.url, scenario, 1, 1, label, user_id=user)
        calls = emulator.requests()
        rest[name] = {"count": len(calls), "calls": [normalize(c) for c in calls], "ok": r["ok"]}
    log(f"{label}: REST calls per RPC " + ", ".join(f"{k}: {v['count']}" for k, v in rest.items()))

    runs = []
    for scenario in plan["scenarios"]:
        for concurrency in plan["concurrency"]:
            calls = plan["calls"][concurrency]
            server.check_alive()
            emulator.clear()
            user_id = users.take(calls) if scenario == "dm-many" else DM_USER_ID
            cpu_before = cpu_seconds(server.pid)
            r = loadgen.run("grpc", server.url, scenario, concurrency, calls, label, user_id=user_id)
            cpu_after = cpu_seconds(server.pid)
            r["server_cpu_s"] = round(cpu_after - cpu_before, 3)
            r["cpu_s_per_1k"] = (
                round((cpu_after - cpu_before) / r["ok"] * 1000, 3) if r["ok"] else None
            )
            r["rest_per_call"] = round(len(emulator.requests()) / calls, 3)
            emulator.clear()
            runs.append(r)
            log(summary_line(r))
    server.check_alive()
    peak_rss = status_kib(server.pid, "VmHWM")
    log(f"{label}: peak RSS {peak_rss / 1024:.1f} MiB")
    return {
        "label": label,
        "ready_s": round(ready_s, 2),
        "idle_rss_kib": idle_rss,
        "peak_rss_kib": peak_rss,
        "rest_per_rpc": rest,
        "runs": runs,
    }


def measure_floor(emulator: Emulator, loadgen: Loadgen, plan: dict, users: Users) -> dict:
    runs = []
    for scenario in plan["scenarios"]:
        for concurrency in plan["concurrency"]:
            calls = plan["calls"][concurrency]
            user_id = users.take(calls) if scenario == "dm-many" else DM_USER_ID
            r = loadgen.run("floor", emulator.api_url, scenario, concurrency, calls, "floor",
                            user_id=user_id)
            emulator.clear()
            runs.append(r)
            log(summary_line(r))
    return {"label": "floor", "runs": runs}


def summary_line(r: dict) -> str:
    lat = r["latency_ms"]
    return (
        f"{r['label']:8} {r['scenario']:14} c={r['concurrency']:<3} "
        f"{r['ok']}/{r['calls']} ok, {r['calls_per_s']:8.0f} calls/s, "
        f"p50 {lat['p50']:.2f} ms, p99 {lat['p99']:.2f} ms, errors {r['errors']}"
    )


# -------------------------------------------------------------------------------------------
# report
# -------------------------------------------------------------------------------------------


def fmt_rate(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


def fmt_ms(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.2f}" if v < 100 else f"{v:.0f}"


def fmt_ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "—"
    r = a / b
    return f"{r:.1f}×" if r >= 0.95 else f"{r:.2f}×"


def rest_rate(r: dict | None) -> float | None:
    """REST requests per second the server sent to the emulator during a run."""
    if not r or "rest_per_call" not in r:
        return None
    return r["rest_per_call"] * r["calls"] / r["elapsed_s"] if r["elapsed_s"] else None


def capped_rest_rate(data: dict, label: str) -> float | None:
    """The REST request rate if a server never exceeded ~50/s in any run at concurrency ≥ 10
    while the floor was far faster: the sign of a client-side global rate limit."""
    rates = [
        rest_rate(r)
        for block in data["results"] if block["label"] == label
        for r in block["runs"] if r["concurrency"] >= 10
    ]
    rates = [x for x in rates if x is not None]
    if not rates or max(rates) > 55:
        return None
    return max(rates)


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def index_runs(data: dict) -> dict:
    out = {}
    for block in data["results"]:
        for r in block["runs"]:
            out[(block["label"], r["scenario"], r["concurrency"])] = r
    return out


def render_markdown(data: dict) -> str:
    runs = index_runs(data)
    ours = next(b for b in data["results"] if b["label"] == "ours")
    orig = next(b for b in data["results"] if b["label"] == "original")
    plan = data["plan"]
    m = data["machine"]
    focus = 50 if 50 in plan["concurrency"] else plan["concurrency"][-1]
    lines = []
    add = lines.append
    add(f"# discordproxy benchmark, {data['date']}")
    add("")
    add("Our `discordproxyserver` (Rust, release build) against the original `discordproxyserver` "
        f"(PyPI discordproxy {data['original']['discordproxy']}, py-cord "
        f"{data['original']['py-cord']}, Python {data['original']['python']}) and the floor (the "
        "same REST calls sent straight to the emulator), all against `discord-emulator "
        "--rate-limits off` on one machine. Closed loop: `discordproxy-loadgen` keeps "
        "*concurrency* calls in flight until the fixed number of calls is done.")
    add("")
    add(f"- Machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gib']} GiB RAM, Linux {m['kernel']}; "
        "the load generator, the emulator and the server share these cores "
        f"(1-minute load average {m['loadavg_before']} before the run, "
        f"{m['loadavg_after']} after it).")
    add(f"- Command: `{data['command']}` (run time {data['duration_s']:.0f} s); "
        f"our commit `{data['commit']}`.")
    add(f"- Calls per run: " + ", ".join(f"{plan['calls'][c]} at concurrency {c}"
                                          for c in plan["concurrency"])
        + ". gRPC: up to 16 HTTP/2 connections per run (worker *i* uses connection *i* mod 16); "
        "floor: HTTP/1.1 keep-alive, one connection per worker.")
    add("- No added latency: the emulator answers in microseconds, so these numbers show each "
        "proxy's own cost; against Discord (tens of ms per REST call) both servers' latency is "
        "dominated by Discord's round trips and their REST call count.")
    add(f"- Both servers run with their default logging (log file at INFO).")
    add("")
    add(f"![throughput and p99 latency by concurrency]({data['date']}.png)")
    add("")
    cap = capped_rest_rate(data, "ours")
    if cap is not None:
        add(f"**Note:** our server never sent more than {cap:.0f} REST requests per second in "
            "any run at concurrency ≥ 10, while the emulator serves thousands: twilight-http's "
            "default client-side rate limiter enforces Discord's global limit of 50 requests/s "
            "per bot (in place even with `--rate-limits off` on the emulator), so our "
            "throughput here is that cap divided by the REST calls per RPC, and latency under "
            "load is mostly waiting for the next 1-second window. The original (py-cord) has no "
            "client-side global limit; it only reacts to Discord's 429s.")
        add("")

    # targets
    add(f"## Targets (concurrency {focus})")
    add("")
    add("| target | measured | met |")
    add("| --- | --- | --- |")
    for s in plan["scenarios"]:
        a = runs.get(("ours", s, focus))
        b = runs.get(("original", s, focus))
        if a and b and b["calls_per_s"]:
            ratio = a["calls_per_s"] / b["calls_per_s"]
            add(f"| {SCENARIO_TITLES[s]}: ≥ 10× the original's calls/s | "
                f"{a['calls_per_s']:,.0f} vs {b['calls_per_s']:,.0f} calls/s = "
                f"{fmt_ratio(a['calls_per_s'], b['calls_per_s'])} | "
                f"{'yes' if ratio >= 10 else 'no'} |")
    for s in plan["scenarios"]:
        a = runs.get(("ours", s, focus))
        f = runs.get(("floor", s, focus))
        if a and f:
            added = a["latency_ms"]["p50"] - f["latency_ms"]["p50"]
            add(f"| {SCENARIO_TITLES[s]}: p50 added over the floor ≤ 1 ms | "
                f"{a['latency_ms']['p50']:.2f} − {f['latency_ms']['p50']:.2f} = {added:.2f} ms | "
                f"{'yes' if added <= 1.0 else 'no'} |")
    rss_ratio = ours["idle_rss_kib"] / orig["idle_rss_kib"]
    add(f"| idle RSS ≤ ¼ of the original's | {mib(ours['idle_rss_kib'])} vs "
        f"{mib(orig['idle_rss_kib'])} MiB = {rss_ratio:.2f} | {'yes' if rss_ratio <= 0.25 else 'no'} |")
    known = ours["rest_per_rpc"]["SendDirectMessage, known user"]["count"]
    add(f"| DM to a repeat user = 1 REST call | ours {known}, original "
        f"{orig['rest_per_rpc']['SendDirectMessage, known user']['count']} (new user: ours "
        f"{ours['rest_per_rpc']['SendDirectMessage, new user']['count']}, original "
        f"{orig['rest_per_rpc']['SendDirectMessage, new user']['count']}) | "
        f"{'yes' if known == 1 else 'no'} |")
    add("")

    # throughput and latency
    add("## Throughput and latency")
    add("")
    add("calls/s are successful calls per wall-clock second; latencies in ms (successful calls).")
    add("")
    for s in plan["scenarios"]:
        add(f"### {SCENARIO_TITLES[s]} (`{s}`)")
        add("")
        add("| concurrency | ours calls/s | original calls/s | floor calls/s | ours/original "
            "| ours p50 | original p50 | floor p50 | ours p90 | original p90 | ours p99 "
            "| original p99 | floor p99 | REST req/s ours / original "
            "| errors ours / original / floor |")
        add("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: | ---: | :---: |")
        for c in plan["concurrency"]:
            a, b, f = (runs.get((label, s, c)) for label in LABELS)
            rate = lambda r: r["calls_per_s"] if r else None  # noqa: E731
            lat = lambda r, q: r["latency_ms"][q] if r and r["ok"] else None  # noqa: E731
            err = lambda r: str(r["errors"]) if r else "—"  # noqa: E731
            add(f"| {c} | {fmt_rate(rate(a))} | {fmt_rate(rate(b))} | {fmt_rate(rate(f))} "
                f"| {fmt_ratio(rate(a), rate(b))} "
                f"| {fmt_ms(lat(a, 'p50'))} | {fmt_ms(lat(b, 'p50'))} | {fmt_ms(lat(f, 'p50'))} "
                f"| {fmt_ms(lat(a, 'p90'))} | {fmt_ms(lat(b, 'p90'))} "
                f"| {fmt_ms(lat(a, 'p99'))} | {fmt_ms(lat(b, 'p99'))} | {fmt_ms(lat(f, 'p99'))} "
                f"| {fmt_rate(rest_rate(a))} / {fmt_rate(rest_rate(b))} "
                f"| {err(a)} / {err(b)} / {err(f)} |")
        add("")

    # resources
    add("## Memory and CPU")
    add("")
    add("| | ours | original | ours/original |")
    add("| --- | ---: | ---: | ---: |")
    add(f"| idle RSS, MiB (after start-up and warm-up calls) | {mib(ours['idle_rss_kib'])} "
        f"| {mib(orig['idle_rss_kib'])} | {ours['idle_rss_kib'] / orig['idle_rss_kib']:.2f} |")
    add(f"| peak RSS (VmHWM), MiB, after all runs | {mib(ours['peak_rss_kib'])} "
        f"| {mib(orig['peak_rss_kib'])} | {ours['peak_rss_kib'] / orig['peak_rss_kib']:.2f} |")
    add(f"| start-up until the first successful call, s | {ours['ready_s']:.2f} "
        f"| {orig['ready_s']:.2f} | |")
    add("")
    add("CPU seconds of the server process (user + system) per 1,000 successful calls:")
    add("")
    add("| scenario | " + " | ".join(f"c={c} ours / original" for c in plan["concurrency"]) + " |")
    add("| --- | " + " | ".join("---:" for _ in plan["concurrency"]) + " |")
    for s in plan["scenarios"]:
        cells = []
        for c in plan["concurrency"]:
            a, b = runs.get(("ours", s, c)), runs.get(("original", s, c))
            ca = a and a.get("cpu_s_per_1k")
            cb = b and b.get("cpu_s_per_1k")
            fa = f"{ca:.2f}" if ca is not None else "—"
            fb = f"{cb:.2f}" if cb is not None else "—"
            cells.append(f"{fa} / {fb}" + (f" ({ca / cb:.2f})" if ca and cb else ""))
        add(f"| {SCENARIO_TITLES[s]} | " + " | ".join(cells) + " |")
    add("")

    # REST calls
    add("## REST calls per RPC")
    add("")
    add("Counted in the emulator's request log (`GET /_emulator/requests`) for one call; the "
        "servers' own background requests (`GET /users/@me`, `GET /gateway`) are left out.")
    add("")
    add("| RPC | ours | original | ours: requests | original: requests |")
    add("| --- | ---: | ---: | --- | --- |")
    for name, a in ours["rest_per_rpc"].items():
        b = orig["rest_per_rpc"][name]
        add(f"| {name} | {a['count']} | {b['count']} | {', '.join(a['calls']) or 'none'} "
            f"| {', '.join(b['calls']) or 'none'} |")
    add("")
    add(f"Mean REST calls per RPC during the load runs (concurrency {focus}):")
    add("")
    add("| scenario | ours | original | floor |")
    add("| --- | ---: | ---: | ---: |")
    for s in plan["scenarios"]:
        cells = []
        for label in ("ours", "original"):
            r = runs.get((label, s, focus))
            cells.append(f"{r['rest_per_call']:.2f}" if r else "—")
        floor_calls = FLOOR_REST_CALLS[s]
        add(f"| {SCENARIO_TITLES[s]} | {cells[0]} | {cells[1]} | {floor_calls} |")
    add("")
    fewer = [
        SCENARIO_TITLES[s] for s in plan["scenarios"]
        if (r := runs.get(("ours", s, focus))) and r["rest_per_call"] < FLOOR_REST_CALLS[s]
    ]
    if fewer:
        add(f"Ours makes fewer REST calls than the floor's sequence for: {', '.join(fewer)} "
            "(answered from its gateway cache), so there it can be faster than the floor.")
        add("")

    # errors
    errors = [
        (label, r)
        for (label, _s, _c), r in sorted(runs.items(), key=lambda kv: str(kv[0]))
        if r["errors"]
    ]
    add("## Errors")
    add("")
    if not errors:
        add("None: every call of every run succeeded.")
    else:
        add("| target | scenario | concurrency | errors | samples |")
        add("| --- | --- | ---: | ---: | --- |")
        for label, r in errors:
            samples = "; ".join(f"{n}× `{t}`" for t, n in r["error_samples"])
            add(f"| {label} | {r['scenario']} | {r['concurrency']} | {r['errors']} | {samples} |")
    add("")
    return "\n".join(lines)


# -------------------------------------------------------------------------------------------
# main
# -------------------------------------------------------------------------------------------


def make_fixture(path: Path, users: int) -> None:
    fixture = json.loads(DEFAULT_FIXTURE.read_text())
    for i in range(users):
        fixture["users"].append({
            "id": str(POOL_FIRST + i),
            "username": f"bench{i}",
            "discriminator": "0",
            "global_name": f"Bench User {i}",
        })
    path.write_text(json.dumps(fixture))


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def original_versions(python: str) -> dict:
    code = ("import importlib.metadata as m, platform, json; print(json.dumps({"
            "'discordproxy': m.version('discordproxy'), 'py-cord': m.version('py-cord'), "
            "'grpcio': m.version('grpcio'), 'python': platform.python_version()}))")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="one concurrency level, few calls, results in a temporary folder")
    parser.add_argument("--python", help="python of the original's virtualenv (required unless "
                                          "--render)")
    parser.add_argument("--render", metavar="JSON",
                        help="only re-render DATE.md and DATE.png next to an earlier DATE.json")
    parser.add_argument("--bin-dir", default=str(ROOT / "target" / "release"))
    parser.add_argument("--out-dir", default=None,
                        help="where to write DATE.md/.json/.png (default bench/results; "
                             "--quick: a temporary folder)")
    parser.add_argument("--concurrency", default=None,
                        help="comma-separated levels (default 1,10,50,200; --quick: 10)")
    parser.add_argument("--calls", default=None,
                        help="calls per run, one number or one per level (default 100,200,500,"
                             "1000; --quick: 100)")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--command", default="bench/run", help="command shown in the report")
    args = parser.parse_args()

    if args.render:
        json_path = Path(args.render)
        data = json.loads(json_path.read_text())
        data["plan"]["calls"] = {int(k): v for k, v in data["plan"]["calls"].items()}
        loadgen = Loadgen(Path(args.bin_dir) / "discordproxy-loadgen")
        md_path = write_reports(data, json_path.parent, loadgen)
        return print_summary(data, md_path, False, data["duration_s"])
    if not args.python:
        parser.error("--python is required")
    started = time.monotonic()
    machine_info = machine()  # before the run: its load average shows other work on the machine
    bin_dir = Path(args.bin_dir)
    loadgen = Loadgen(bin_dir / "discordproxy-loadgen")
    levels = [int(c) for c in (args.concurrency or ("10" if args.quick else "1,10,50,200")).split(",")]
    calls_arg = [int(c) for c in (args.calls or ("100" if args.quick else "100,200,500,1000")).split(",")]
    if len(calls_arg) == 1:
        calls_arg = calls_arg * len(levels)
    if len(calls_arg) != len(levels):
        parser.error("--calls needs one number or one per concurrency level")
    plan = {
        "scenarios": [s for s in args.scenarios.split(",") if s],
        "concurrency": levels,
        "calls": dict(zip(levels, calls_arg)),
    }
    for s in plan["scenarios"]:
        if s not in SCENARIOS:
            parser.error(f"unknown scenario {s}")
    date = datetime.date.today().isoformat()
    if args.out_dir:
        out_dir = Path(args.out_dir)
    elif args.quick:
        out_dir = Path(tempfile.mkdtemp(prefix="discordproxy-bench-"))
    else:
        out_dir = BENCH / "results"
    out_dir.mkdir(parents=True, exist_ok=True)

    dm_many_calls = sum(plan["calls"].values()) if "dm-many" in plan["scenarios"] else 0
    pool_size = dm_many_calls + 10
    python = os.path.abspath(args.python)  # not resolved: a venv's python is a symlink
    versions = original_versions(python)

    results = []
    with tempfile.TemporaryDirectory(prefix="discordproxy-bench-work-") as tmp:
        work = Path(tmp)
        fixture = work / "fixture.json"
        make_fixture(fixture, pool_size)
        try:
            servers = [
                # The emulator runs with rate limits off; our server keeps to Discord's global
                # limit (50/s by default) on its own, the original does not. Raise ours to
                # match the unlimited upstream so both measure proxy overhead, not the limit.
                ("ours", [str(bin_dir / "discordproxyserver"), "--global-rate-limit", "10000"]),
                ("original", [python, str(BENCH / "original_server.py")]),
            ]
            for label, argv in servers:
                log(f"{label}: starting a fresh emulator and server")
                emulator = Emulator(bin_dir, fixture, work, label)
                if label == "original":
                    argv = [*argv, emulator.api_url]
                else:
                    argv = [*argv, "--discord-api-url", emulator.api_url]
                server = Server(label, argv, work)
                try:
                    results.append(measure_server(
                        server, emulator, loadgen, plan, Users(POOL_FIRST, pool_size)))
                finally:
                    server.stop()
                    emulator.stop()
            log("floor: starting a fresh emulator")
            emulator = Emulator(bin_dir, fixture, work, "floor")
            try:
                results.append(measure_floor(emulator, loadgen, plan, Users(POOL_FIRST, pool_size)))
            finally:
                emulator.stop()
        finally:
            stop_all()

    machine_info["loadavg_after"] = round(os.getloadavg()[0], 2)
    data = {
        "date": date,
        "command": args.command,
        "commit": git_commit(),
        "machine": machine_info,
        "original": versions,
        "plan": plan,
        "duration_s": time.monotonic() - started,
        "results": results,
    }
    json_path = out_dir / f"{date}.json"
    json_path.write_text(json.dumps(data, indent=1) + "\n")
    md_path = write_reports(data, out_dir, loadgen)
    return print_summary(data, md_path, args.quick, time.monotonic() - started)


def write_reports(data: dict, out_dir: Path, loadgen: Loadgen) -> Path:
    """Writes DATE.md and DATE.png next to each other; returns the .md path."""
    date = data["date"]
    md_path = out_dir / f"{date}.md"
    png_path = out_dir / f"{date}.png"
    md_path.write_text(render_markdown(data))
    reports = [r for block in data["results"] for r in block["runs"]]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for r in reports:
            f.write(json.dumps(r) + "\n")
        jsonl = f.name
    try:
        subprocess.run([str(loadgen.binary), "plot", "--input", jsonl, "--output", str(png_path),
                        "--title", f"discordproxy: ours vs original (PyPI 1.5.1) vs REST floor, "
                                   f"{date}, {data['machine']['nproc']} cores"], check=True)
    finally:
        os.unlink(jsonl)

    return md_path


def print_summary(data: dict, md_path: Path, quick: bool, elapsed: float) -> int:
    """One line; exit status 0 when both servers produced successful calls in every scenario."""
    runs = index_runs(data)
    plan = data["plan"]
    levels = plan["concurrency"]
    results = data["results"]
    parts = []
    produced = True
    focus = 50 if 50 in levels else levels[-1]
    for s in plan["scenarios"]:
        a, b = runs[("ours", s, focus)], runs[("original", s, focus)]
        produced &= a["ok"] > 0 and b["ok"] > 0
        parts.append(f"{s} {a['calls_per_s']:.0f} vs {b['calls_per_s']:.0f}/s "
                     f"({fmt_ratio(a['calls_per_s'], b['calls_per_s'])})")
    ours_rss = results[0]["idle_rss_kib"] / 1024
    orig_rss = results[1]["idle_rss_kib"] / 1024
    status = "ok" if produced else "FAILED: a server produced no successful calls"
    print(f"bench {'quick' if quick else 'full'} {status}: c={focus} ours vs original: "
          + "; ".join(parts)
          + f"; idle RSS {ours_rss:.1f} vs {orig_rss:.1f} MiB; "
          f"{elapsed:.0f}s; report {md_path}")
    return 0 if produced else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        stop_all()
        sys.exit(130)
