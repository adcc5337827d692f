#!/usr/bin/env python3
"""Several instances sharing Redis: aggregate throughput and latency with 1, 2 and 3 instances,
the latency one Redis round trip adds to a REST request, and rate-limit efficiency with 3
instances under Discord's limits.

Run it through `bench/redis` (which builds the release binaries and picks the Python
environment). Each instance is `discordproxyserver --no-gateway --redis-url redis://… 
--discord-source-ip 127.0.0.N` (127.0.0.2, .3, .4: distinct egress IPs), with its own
`--metrics-addr`; every deployment gets a fresh `redis-server --save "" --appendonly no` on a
free port and a fresh emulator, all stopped at the end.

Part A, throughput (`discord-emulator --rate-limits off`, the servers with
`--global-rate-limit 10000` as in bench/run, so nothing waits for a limit): four deployments,
one after the other —
1 instance without Redis (the in-process limiter, the reference), then 1, 2 and 3 instances on
one Redis. For each: a warm-up, then `discordproxy-loadgen` SendChannelMessage (GET channel +
POST message: two REST requests per call) at concurrency 1 (`--latency-calls` calls: latency
without queueing) and at `--concurrency` (48) over `--connections` (12) HTTP/2 connections
spread evenly over the instances (`--calls` calls: aggregate calls/s, p50, p99). The added
latency per REST request is the difference between 1 instance with and without Redis at
concurrency 1, divided by the REST requests per call; the servers' own
`discordproxy_redis_round_trip_seconds` histogram (summed over the instances, its change over
each run) and Redis's `INFO commandstats` give the round trips per REST request and their
duration.

Part B, rate-limit efficiency (`discord-emulator --rate-limits discord`,
bench/fixtures/ratelimit.json: message create 5 per 5 s per channel, global 50/s): 3 instances
on one Redis, `--concurrency-b` (50) gRPC clients spread over them (client i on instance
i % 3), SendChannelMessage round-robin over 20 channels for `--duration` (60) s, as
bench/ratelimit does for one instance. Reported: allowed vs achieved messages, efficiency,
429s by scope and beyond one per bucket, the most requests the emulator received in any
sliding second (and calendar second) against its global limit, requests per egress IP.

Uses grpcio and the generated stubs of the PyPI `discordproxy` package, and the process and load
helpers of bench/ratelimit.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import ratelimit
from ratelimit import (
    API, Emulator, Server, drive, free_port, log, parse_time, rate_limit_delta, stop, tail,
)

ratelimit.LOG_NAME = "redis"
ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]  # one egress IP per instance
CHANNEL_ID = 410000000000000001  # bench-01 of the rate-limit fixture (part A)
ROUND_TRIP = "discordproxy_redis_round_trip_seconds"
SETTLE_S = 2.0
LOADAVG_EVERY_S = 5.0


# -------------------------------------------------------------------------------------------
# processes
# -------------------------------------------------------------------------------------------


class RedisServer:
    """A fresh `redis-server` on a free port: no persistence, stopped by `stop()`."""

    def __init__(self, binary: str, work: Path, name: str):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.output_path = work / f"redis-{name}.output"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=open(self.output_path, "wb"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=work,
        )
        deadline = time.monotonic() + ratelimit.STARTUP_TIMEOUT
        while True:
            try:
                if self.command("PING") == "PONG":
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                stop(self.proc)
                raise RuntimeError(f"redis-server did not start:\n{tail(self.output_path)}")
            time.sleep(0.05)

    def command(self, *args: str) -> str:
        """One command in the inline protocol (no spaces inside an argument); the reply's text
        (a status, an integer or a bulk string)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall((" ".join(args) + "\r\n").encode())
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    raise OSError("connection closed")
                data += chunk
            head, rest = data.split(b"\r\n", 1)
            kind, value = head[:1], head[1:].decode()
            if kind == b"-":
                raise RuntimeError(f"Redis error: {value}")
            if kind != b"$":
                return value
            size = int(value)
            while len(rest) < size + 2:
                chunk = s.recv(65536)
                if not chunk:
                    raise OSError("connection closed")
                rest += chunk
            return rest[:size].decode(errors="replace")

    def commandstats(self) -> dict[str, dict]:
        """`INFO commandstats`: command -> {calls, usec}."""
        stats = {}
        for line in self.command("INFO", "commandstats").splitlines():
            m = re.match(r"cmdstat_([^:]+):calls=(\d+),usec=(\d+),", line)
            if m:
                stats[m.group(1)] = {"calls": int(m.group(2)), "usec": int(m.group(3))}
        return stats

    def stop(self) -> None:
        stop(self.proc)


class Deployment:
    """A fresh emulator, a fresh Redis (unless `redis` is off) and `count` instances on it."""

    def __init__(self, args, name: str, count: int, redis: bool, rate_limits: str,
                 token: str, work: Path, server_args: list[str]):
        self.name = name
        self.redis = None
        self.servers: list[Server] = []
        self.metrics_ports: list[int] = []
        self.emulator = Emulator(args.bin_dir / "discord-emulator", args.fixture, "on-429", work,
                                 rate_limits=rate_limits, name=name)
        try:
            if redis:
                self.redis = RedisServer(args.redis_server, work, name)
            for n in range(count):
                metrics_port = free_port()
                extra = [*server_args, "--metrics-addr", f"127.0.0.1:{metrics_port}",
                         "--discord-source-ip", SOURCES[n]]
                if self.redis is not None:
                    extra += ["--redis-url", self.redis.url]
                self.servers.append(Server(args.bin_dir / "discordproxyserver", self.emulator,
                                           token, work, f"{name}-{n + 1}", extra_args=extra))
                self.metrics_ports.append(metrics_port)
            for server in self.servers:
                server.wait_ready()
            if self.redis is not None:
                self.wait_instances(count)
        except BaseException:
            self.stop()
            raise

    def wait_instances(self, count: int, timeout: float = 20.0) -> None:
        """Until every instance's heartbeat sees the `count` instances of the deployment."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = [gauge(self.metrics(i), "discordproxy_redis_instances")
                    for i in range(len(self.servers))]
            if all(v == count for v in seen):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name}: the instances do not all see {count} instances: {seen}")

    @property
    def targets(self) -> list[str]:
        return [server.target for server in self.servers]

    def metrics(self, n: int) -> str:
        url = f"http://127.0.0.1:{self.metrics_ports[n]}/metrics"
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.read().decode()

    def round_trips(self) -> dict | None:
        """The round-trip histogram summed over the instances (None without Redis)."""
        if self.redis is None:
            return None
        total = None
        for n in range(len(self.servers)):
            h = histogram(self.metrics(n), ROUND_TRIP)
            total = h if total is None else hist_add(total, h)
        return total

    def cpu(self) -> dict:
        """CPU seconds (user + system) used so far by the instances, Redis and the emulator."""
        return {
            "instances": sum(cpu_seconds(s.proc.pid) for s in self.servers),
            "redis": cpu_seconds(self.redis.proc.pid) if self.redis else 0.0,
            "emulator": cpu_seconds(self.emulator.proc.pid),
        }

    def check_alive(self) -> None:
        for server in self.servers:
            if server.proc.poll() is not None:
                raise RuntimeError(f"an instance of {self.name} exited:\n"
                                   f"{tail(server.output_path)}")

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        if self.redis is not None:
            self.redis.stop()
        self.emulator.stop()


class LoadSampler:
    """The 1-minute load average every few seconds while the benchmark runs."""

    def __init__(self):
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="loadavg")
        self._thread.start()

    def _run(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(LOADAVG_EVERY_S):
                return

    def summary(self) -> dict:
        self._stop.set()
        self._thread.join(timeout=10)
        s = self.samples
        return {"samples": len(s), "mean": round(sum(s) / len(s), 2), "max": round(max(s), 2),
                "min": round(min(s), 2)}


# -------------------------------------------------------------------------------------------
# metrics
# -------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gauge(text: str, name: str) -> float | None:
    m = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    return float(m.group(1)) if m else None


def histogram(text: str, name: str) -> dict:
    """A Prometheus histogram without labels: sum, count, cumulative buckets [(le, count)]."""
    buckets = []
    for m in re.finditer(rf'^{re.escape(name)}_bucket\{{le="([^"]+)"\}} (\S+)$', text,
                         re.MULTILINE):
        buckets.append((float(m.group(1)), float(m.group(2))))
    return {"sum": gauge(text, f"{name}_sum") or 0.0, "count": gauge(text, f"{name}_count") or 0.0,
            "buckets": sorted(buckets)}


def hist_add(a: dict, b: dict) -> dict:
    assert [le for le, _ in a["buckets"]] == [le for le, _ in b["buckets"]]
    return {"sum": a["sum"] + b["sum"], "count": a["count"] + b["count"],
            "buckets": [(le, x + y) for (le, x), (_, y) in zip(a["buckets"], b["buckets"])]}


def hist_sub(a: dict, b: dict) -> dict:
    return hist_add(a, {"sum": -b["sum"], "count": -b["count"],
                        "buckets": [(le, -n) for le, n in b["buckets"]]})


def hist_quantile(h: dict, q: float) -> float | None:
    """As Prometheus's histogram_quantile: linear within the bucket holding the quantile."""
    total = h["count"]
    if total <= 0:
        return None
    rank = q * total
    lower_le, lower_n = 0.0, 0.0
    for le, n in h["buckets"]:
        if n >= rank:
            if math.isinf(le):
                return lower_le
            return lower_le + (le - lower_le) * (rank - lower_n) / max(n - lower_n, 1e-12)
        lower_le, lower_n = le, n
    return None


def round_trip_summary(delta: dict | None, rest_requests: int) -> dict | None:
    if delta is None or delta["count"] <= 0:
        return None
    def ms(seconds: float | None) -> float | None:
        return None if seconds is None else round(seconds * 1000, 3)

    return {
        "count": int(delta["count"]),
        "per_rest_request": round(delta["count"] / rest_requests, 2) if rest_requests else None,
        "mean_ms": ms(delta["sum"] / delta["count"]),
        "p50_ms": ms(hist_quantile(delta, 0.50)),
        "p99_ms": ms(hist_quantile(delta, 0.99)),
    }


def commandstats_delta(before: dict, after: dict) -> dict:
    out = {}
    for cmd, v in after.items():
        calls = v["calls"] - before.get(cmd, {}).get("calls", 0)
        usec = v["usec"] - before.get(cmd, {}).get("usec", 0)
        if calls > 0:
            out[cmd] = {"calls": calls, "usec": usec}
    return out


def loadgen(args, targets: list[str], concurrency: int, connections: int, calls: int,
            label: str) -> dict:
    argv = [
        str(args.bin_dir / "discordproxy-loadgen"), "run",
        "--target", "grpc",
        "--url", ",".join(f"http://{t}" for t in targets),
        "--scenario", "channel",
        "--channel-id", str(CHANNEL_ID),
        "--concurrency", str(concurrency),
        "--connections", str(connections),
        "--calls", str(calls),
        "--label", label,
        "--timeout-secs", "30",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(f"discordproxy-loadgen failed ({out.returncode}):\n{out.stderr}")
    report = json.loads(out.stdout.strip().splitlines()[-1])
    report["cpu_s"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 3)
    return report


def measured(args, dep: Deployment, concurrency: int, connections: int, calls: int,
             label: str) -> dict:
    """One loadgen run with what it cost: REST requests, CPU seconds by process, the change of
    the round-trip histogram and of Redis's command statistics."""
    stats_before = dep.emulator.get("/_emulator/stats")["requests"]
    rt_before = dep.round_trips()
    cmd_before = dep.redis.commandstats() if dep.redis else None
    cpu_before = dep.cpu()
    report = loadgen(args, dep.targets, concurrency, connections, calls, label)
    cpu_after = dep.cpu()
    rest = dep.emulator.get("/_emulator/stats")["requests"] - stats_before
    rt_after = dep.round_trips()
    dep.check_alive()
    req = urllib.request.Request(dep.emulator.base_url + "/_emulator/requests", method="DELETE")
    urllib.request.urlopen(req, timeout=30).close()  # keep the emulator's log small
    return {
        "loadgen": report,
        "rest_requests": rest,
        "cpu_s": {**{k: cpu_after[k] - cpu_before[k] for k in cpu_after},
                  "loadgen": report["cpu_s"]},
        "round_trips": hist_sub(rt_after, rt_before) if rt_after else None,
        "redis_commands": (commandstats_delta(cmd_before, dep.redis.commandstats())
                           if dep.redis else None),
    }


def median(values: list[float]) -> float:
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def combine(runs: list[dict]) -> dict:
    """The rounds of one deployment at one concurrency: calls/s over all of them (calls / summed
    elapsed time), the median of each round's percentiles, the costs summed."""
    reports = [r["loadgen"] for r in runs]
    calls = sum(r["calls"] for r in reports)
    ok = sum(r["ok"] for r in reports)
    elapsed = sum(r["elapsed_s"] for r in reports)
    rest = sum(r["rest_requests"] for r in runs)
    latency = {stat: round(median([r["latency_ms"][stat] for r in reports]), 3)
               for stat in ("p50", "p90", "p99", "mean")}
    latency["max"] = max(r["latency_ms"]["max"] for r in reports)
    hists = [r["round_trips"] for r in runs if r["round_trips"] is not None]
    merged = None
    for h in hists:
        merged = h if merged is None else hist_add(merged, h)
    commands: dict[str, dict] = {}
    for r in runs:
        for cmd, v in (r["redis_commands"] or {}).items():
            entry = commands.setdefault(cmd, {"calls": 0, "usec": 0})
            entry["calls"] += v["calls"]
            entry["usec"] += v["usec"]
    errors: dict[str, int] = {}
    for r in reports:
        for message, n in r["error_samples"]:
            errors[message] = errors.get(message, 0) + n
    return {
        "rounds": len(runs),
        "calls": calls,
        "ok": ok,
        "errors": sum(r["errors"] for r in reports),
        "error_samples": errors,
        "elapsed_s": round(elapsed, 3),
        "calls_per_s": round(ok / elapsed, 1) if elapsed else 0.0,
        "latency_ms": latency,
        "latency_ms_by_round": [r["latency_ms"] for r in reports],
        "rest_requests": rest,
        "rest_per_call": round(rest / calls, 3) if calls else None,
        "cpu_us_per_call": {k: round(sum(r["cpu_s"][k] for r in runs) / calls * 1e6, 1)
                            for k in runs[0]["cpu_s"]},
        "redis_round_trip": round_trip_summary(merged, rest),
        "redis_commands": {
            cmd: {"calls": v["calls"], "usec_per_call": round(v["usec"] / v["calls"], 2)}
            for cmd, v in sorted(commands.items(), key=lambda kv: -kv[1]["calls"])
        } if commands else None,
    }


def run_throughput(args, token: str, work: Path) -> list[dict]:
    """Every deployment is started first and they take turns, round after round (the order
    rotating), so that a change of the machine's load touches them all alike."""
    plan = [("no-redis-1", 1, False), ("redis-1", 1, True), ("redis-2", 2, True),
            ("redis-3", 3, True)]
    deps: list[Deployment] = []
    runs: dict[str, dict[str, list[dict]]] = {}
    try:
        for name, count, redis in plan:
            log(f"A {name}: starting {count} instance(s)"
                f"{' on one Redis' if redis else ' without Redis'}, emulator --rate-limits off")
            deps.append(Deployment(args, name, count, redis, "off", token, work,
                                   ["--global-rate-limit", "10000"]))
            runs[name] = {"latency": [], "load": []}
        for dep in deps:
            loadgen(args, dep.targets, args.connections, args.connections, args.warmup_calls,
                    f"{dep.name}-warmup")
        for r in range(args.rounds):
            order = deps[r % len(deps):] + deps[:r % len(deps)]
            log(f"A round {r + 1}/{args.rounds}: " + ", ".join(d.name for d in order))
            for dep in order:
                runs[dep.name]["latency"].append(measured(
                    args, dep, 1, 1, args.latency_calls // args.rounds, f"{dep.name}-c1-{r}"))
            for dep in order:
                runs[dep.name]["load"].append(measured(
                    args, dep, args.concurrency, args.connections, args.calls // args.rounds,
                    f"{dep.name}-c{args.concurrency}-{r}"))
    finally:
        for dep in deps:
            dep.stop()
    results = []
    for name, count, redis in plan:
        latency, load = combine(runs[name]["latency"]), combine(runs[name]["load"])
        results.append({"name": name, "instances": count, "redis": redis,
                        "latency": latency, "load": load})
        log(f"A {name}: c=1 p50 {latency['latency_ms']['p50']:.3f} ms p99 "
            f"{latency['latency_ms']['p99']:.3f} ms; c={args.concurrency} "
            f"{load['calls_per_s']:.0f} calls/s p50 {load['latency_ms']['p50']:.2f} ms p99 "
            f"{load['latency_ms']['p99']:.2f} ms; errors {latency['errors'] + load['errors']}")
    return results


def added_latency(results: list[dict]) -> dict | None:
    """1 instance on Redis minus 1 instance without, per call and per REST request: the median
    of the differences of the rounds (both measured within seconds of each other)."""
    by_name = {r["name"]: r for r in results}
    if "no-redis-1" not in by_name or "redis-1" not in by_name:
        return None
    out = {}
    for phase in ("latency", "load"):
        local, shared = by_name["no-redis-1"][phase], by_name["redis-1"][phase]
        per_call = shared["rest_per_call"]
        entry = {"rest_per_call": per_call}
        for stat in ("p50", "p99", "mean"):
            diffs = [b[stat] - a[stat] for a, b in
                     zip(local["latency_ms_by_round"], shared["latency_ms_by_round"])]
            diff = median(diffs)
            entry[f"{stat}_per_call_ms"] = round(diff, 3)
            entry[f"{stat}_per_rest_request_ms"] = round(diff / per_call, 3) if per_call else None
            entry[f"{stat}_per_call_ms_by_round"] = [round(d, 3) for d in diffs]
        out[phase] = entry
    return out


# -------------------------------------------------------------------------------------------
# part B: rate-limit efficiency with 3 instances
# -------------------------------------------------------------------------------------------


def max_in_sliding_second(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end in range(len(times)):
        while times[end] - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def max_in_calendar_second(times: list[float]) -> int:
    per: dict[int, int] = {}
    for t in times:
        per[int(t)] = per.get(int(t), 0) + 1
    return max(per.values(), default=0)


def run_efficiency(args, fixture: dict, channels: list[int], token: str, work: Path) -> dict:
    count = 3
    log(f"B: {count} instances on Redis, emulator --rate-limits discord")
    dep = Deployment(args, "efficiency-3", count, True, "discord", token, work, [])
    try:
        time.sleep(1.0)  # the start-up token checks' global window is over
        stats_before = dep.emulator.get("/_emulator/stats")
        rt_before = dep.round_trips()
        log(f"B: {args.concurrency_b} clients over {count} instances for {args.duration:g} s over "
            f"{len(channels)} channels")
        load = drive(dep.targets, channels, args.concurrency_b, args.duration, args.deadline,
                     "redis-3")
        time.sleep(SETTLE_S)
        dep.check_alive()
        stats_after = dep.emulator.get("/_emulator/stats")
        entries = dep.emulator.get("/_emulator/requests")
        rt_delta = hist_sub(dep.round_trips(), rt_before)
        instances = []
        for n in range(count):
            text = dep.metrics(n)
            instances.append({
                "source_ip": SOURCES[n],
                "redis_instances": gauge(text, "discordproxy_redis_instances"),
                "redis_degraded": gauge(text, "discordproxy_redis_degraded"),
                "redis_degraded_seconds": gauge(text, "discordproxy_redis_degraded_seconds_total"),
            })
    finally:
        dep.stop()
    duration = load["ended"] - load["started"]
    windows = math.ceil(args.duration / args.window_s - 1e-9)
    allowed = len(channels) * args.limit * windows
    requests = ratelimit.count_requests(entries, channels, load["started"], load["ended"])
    limited = rate_limit_delta(stats_before, stats_after)
    # Every request from the first call on, the late ones included: the global limit counts all.
    since = [(parse_time(r["time"]), r) for r in entries if parse_time(r["time"]) >= load["started"]]
    times = [t for t, _ in since]
    by_ip: dict[str, int] = {}
    for _, r in since:
        ip = r.get("client_ip") or "unknown"
        by_ip[ip] = by_ip.get(ip, 0) + 1
    global_limit = stats_after["global"]["limit"]
    result = {
        "instances": count,
        "duration_s": round(duration, 3),
        "windows": windows,
        "limit_per_window": args.limit,
        "allowed": allowed,
        "achieved": requests["created"],
        "efficiency": round(requests["created"] / allowed, 4) if allowed else None,
        "rate_limited": limited,
        "global_limit": global_limit,
        "peak_sliding_second": max_in_sliding_second(times),
        "peak_calendar_second": max_in_calendar_second(times),
        "requests_by_source_ip": dict(sorted(by_ip.items())),
        "invalid_requests_by_ip": stats_after["invalid_requests"].get("by_ip"),
        "redis_round_trip": round_trip_summary(rt_delta, len(since)),
        "instance_metrics": instances,
        "clients": load,
        "requests": requests,
    }
    log(f"B: achieved {result['achieved']} of {allowed} allowed (efficiency "
        f"{result['efficiency']:.3f}); 429s {limited['by_scope']['total']} (user "
        f"{limited['by_scope']['user']}, global {limited['by_scope']['global']}), "
        f"{limited['beyond_one_per_bucket']} beyond one per bucket; peak "
        f"{result['peak_sliding_second']} requests in a sliding second (limit {global_limit}); "
        f"RPC ok {load['ok']}, failed {load['failed'] or 0}")
    return result


# -------------------------------------------------------------------------------------------
# the report
# -------------------------------------------------------------------------------------------


def fmt_ms(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def deployment_name(r: dict) -> str:
    n = r["instances"]
    return f"{n} instance{'s' if n > 1 else ''}" + (" + Redis" if r["redis"] else ", no Redis")


def throughput_table(results: list[dict], concurrency: int) -> str:
    lines = [
        f"| deployment | c=1: calls/s | c=1: p50 / p99 ms | c={concurrency}: calls/s "
        f"| c={concurrency}: p50 / p99 ms | REST requests per call "
        "| Redis round trips per REST request | round trip mean / p50 / p99 ms (c=1) "
        f"| round trip mean / p50 / p99 ms (c={concurrency}) "
        f"| CPU µs per call (c={concurrency}): instances / Redis / emulator / loadgen | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lat, load = r["latency"], r["load"]
        lg, tg = lat, load
        cpu = load["cpu_us_per_call"]

        def rt(phase: dict) -> str:
            s = phase["redis_round_trip"]
            if s is None:
                return "–"
            return f"{s['mean_ms']:.3f} / {fmt_ms(s['p50_ms'], 3)} / {fmt_ms(s['p99_ms'], 3)}"

        per_rest = load["redis_round_trip"]["per_rest_request"] if load["redis_round_trip"] else None
        lines.append(
            f"| {deployment_name(r)} | {lg['calls_per_s']:,.0f} "
            f"| {lg['latency_ms']['p50']:.2f} / {lg['latency_ms']['p99']:.2f} "
            f"| {tg['calls_per_s']:,.0f} | {tg['latency_ms']['p50']:.1f} / "
            f"{tg['latency_ms']['p99']:.1f} | {load['rest_per_call']:g} "
            f"| {'–' if per_rest is None else f'{per_rest:g}'} | {rt(lat)} | {rt(load)} "
            f"| {cpu['instances']:.0f} / {cpu['redis']:.0f} / {cpu['emulator']:.0f} / "
            f"{cpu['loadgen']:.0f} | {lg['errors'] + tg['errors']} |"
        )
    return "\n".join(lines)


def added_line(added: dict | None, concurrency: int) -> str:
    if added is None:
        return ""
    a, b = added["latency"], added["load"]
    return (
        "**Added latency of Redis** (1 instance + Redis minus 1 instance without, the median "
        f"of the rounds' differences; {a['rest_per_call']:g} REST requests per call): at "
        "concurrency 1, "
        f"p50 {a['p50_per_call_ms']:+.3f} ms per call = **{a['p50_per_rest_request_ms']:+.3f} ms "
        f"per REST request**, mean {a['mean_per_rest_request_ms']:+.3f} ms, p99 "
        f"{a['p99_per_rest_request_ms']:+.3f} ms per REST request; at concurrency {concurrency} "
        f"(the same 2 cores also run Redis): p50 {b['p50_per_rest_request_ms']:+.3f} ms, p99 "
        f"{b['p99_per_rest_request_ms']:+.3f} ms per REST request."
    )


def efficiency_table(r: dict) -> str:
    s = r["rate_limited"]["by_scope"]
    c = r["clients"]
    return "\n".join([
        "| instances | allowed | achieved | efficiency (≥ 0.95) "
        "| 429s user / global / shared / total | 429s beyond one per bucket (0) "
        f"| peak requests in any sliding second (limit {r['global_limit']}) "
        "| peak in a calendar second | REST requests/s | RPC ok | RPC failed | p50 / p99 s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
        f"| {r['instances']} | {r['allowed']:,} | {r['achieved']:,} | {r['efficiency']:.3f} "
        f"| {s['user']} / {s['global']} / {s['shared']} / {s['total']} "
        f"| {r['rate_limited']['beyond_one_per_bucket']} | {r['peak_sliding_second']} "
        f"| {r['peak_calendar_second']} "
        f"| {r['requests']['requests_in_run'] / r['duration_s']:.1f} | {c['ok']:,} "
        f"| {ratelimit.fmt_codes(c['failed'])} "
        f"| {ratelimit.fmt_s(c['latency_s']['p50'])} / {ratelimit.fmt_s(c['latency_s']['p99'])} |",
    ])


def markdown(report: dict) -> str:
    p = report["parameters"]
    out = [
        f"# Several instances on Redis, {report['date']}",
        "",
        f"Command: `{report['command']}`; commit `{report['commit']}`"
        + (f"; label: {report['label']}" if report["label"] else "") + ".",
        "",
        "Instances are `discordproxyserver --no-gateway --redis-url redis://127.0.0.1:PORT/0 "
        "--discord-source-ip 127.0.0.N` (N = 2, 3, 4) on one machine, each deployment with a "
        "fresh `redis-server` (7, no persistence) and a fresh emulator.",
    ]
    if report["throughput"]:
        out += [
            "",
            "## Throughput and latency (`discord-emulator --rate-limits off`)",
            "",
            "`discordproxy-loadgen` SendChannelMessage to one channel (`--no-gateway`: GET "
            "channel + POST message), servers with `--global-rate-limit 10000` (as bench/run). "
            "The four deployments run side by side (idle but for their heartbeats when not "
            f"measured) and take turns in {p['rounds']} rounds, the order rotating; in each "
            f"round each gets {p['latency_calls'] // p['rounds']:,} calls at concurrency 1 (one "
            f"client, on the first instance), then {p['calls'] // p['rounds']:,} calls at "
            f"concurrency {p['concurrency']} over {p['connections']} HTTP/2 connections spread "
            f"evenly over its instances (after {p['warmup_calls']} warm-up calls). calls/s = "
            "calls / summed time; p50 / p99 = the median of the rounds'. Round "
            "trips: the instances' `discordproxy_redis_round_trip_seconds` (change over the run, "
            "summed; quantiles interpolated in its doubling buckets, so coarse), per REST "
            "request the emulator received.",
            "",
            throughput_table(report["throughput"], p["concurrency"]),
            "",
            added_line(report["added_latency"], p["concurrency"]),
            "",
            "Redis commands over the rounds at concurrency "
            f"{p['concurrency']} (`INFO commandstats`: calls, µs of Redis time per call; the "
            "commands the scripts run are counted too, and their time is in `evalsha`'s):",
            "",
        ]
        for r in report["throughput"]:
            cmds = r["load"]["redis_commands"]
            if cmds:
                out.append(f"- {deployment_name(r)}: " + ", ".join(
                    f"`{k}` ×{v['calls']:,} ({v['usec_per_call']:g} µs)" for k, v in cmds.items()))
        out += [
            "",
            "All processes (the instances, Redis, the emulator and the load generator) share the "
            "machine's cores, so more instances here add coordination, not CPU: the aggregate "
            "rate shows what Redis costs, not how instances on separate hosts would scale.",
        ]
    if report["efficiency"]:
        r = report["efficiency"]
        lim = r["rate_limited"]
        req = r["requests"]
        out += [
            "",
            "## Rate-limit efficiency, 3 instances (`discord-emulator --rate-limits discord`)",
            "",
            f"{p['concurrency_b']} gRPC clients (one connection each, client i on instance i % 3) "
            f"send SendChannelMessage round-robin over {p['channels']} text channels for "
            f"{p['duration_s']:g} s, each call with a {p['deadline_s']:g} s deadline, under "
            f"message create {p['limit']} per {p['window_s']:g} s per channel and the global "
            f"{r['global_limit']} requests/s (bench/fixtures/ratelimit.json), as bench/ratelimit "
            "does for one instance. allowed = channels × limit × ceil(duration / window) = "
            f"{p['channels']} × {p['limit']} × {r['windows']}; achieved = messages the emulator "
            "created for requests that arrived during the run; beyond one per bucket = Σ over "
            "buckets of max(0, 429s − 1) + every global/shared/other 429; peaks count every "
            "request from the first call on.",
            "",
            efficiency_table(r),
            "",
            f"- Run {r['duration_s']:g} s; {r['clients']['calls_started']:,} calls started, "
            f"{r['clients']['cancelled_at_end']} cancelled at the end; messages per channel "
            f"{req['per_channel_min']}–{req['per_channel_max']}; REST requests during the run "
            f"{req['requests_in_run']:,}, after the end {req['requests_after_end']}; Cloudflare "
            f"answers {lim['cloudflare_answers']}; user-scope 429s by route: "
            + (", ".join(f"{route}: {v['429s']} in {v['buckets_with_429']} buckets"
                         for route, v in lim["by_route"].items()) or "none") + ".",
            "- REST requests by egress IP: " + ", ".join(
                f"{ip} ×{n:,}" for ip, n in r["requests_by_source_ip"].items()) + ".",
            "- REST requests by route and status: " + ", ".join(
                f"{k} ×{v:,}" for k, v in req["by_route_and_status"].items()) + ".",
        ]
        rt = r["redis_round_trip"]
        if rt:
            out.append(
                f"- Redis round trips: {rt['count']:,} ({rt['per_rest_request']:g} per REST "
                f"request), mean {rt['mean_ms']:.3f} ms, p50 {fmt_ms(rt['p50_ms'], 3)} ms, p99 "
                f"{fmt_ms(rt['p99_ms'], 3)} ms; instances seen by each: "
                + ", ".join(f"{i['source_ip']} {i['redis_instances']:g}"
                            for i in r["instance_metrics"])
                + "; degraded seconds: "
                + ", ".join(f"{i['redis_degraded_seconds']:g}" for i in r["instance_metrics"])
                + ".")
        if r["clients"]["failure_samples"]:
            out.append("- Failure samples: " + "; ".join(
                f"{k}: `{v}`" for k, v in r["clients"]["failure_samples"].items()))
    m = report["machine"]
    la = report["loadavg_during"]
    out += [
        "",
        f"Machine: {m['nproc']} cores, {m['cpu']}, kernel {m['kernel']}, Python {m['python']}, "
        f"grpcio {m['grpcio']}, {report['redis_version']}; 1-minute load average "
        f"{m['loadavg_before']} before the run, {la['mean']} on average during it "
        f"({la['min']}–{la['max']}, {la['samples']} samples every {LOADAVG_EVERY_S:g} s), "
        f"{report['loadavg_after']} after; the run took {report['elapsed_s']:.0f} s. "
        f"Binaries: `{report['bin_dir']}`.",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: fewer calls, 10 s of part B, report in a temporary "
                             "folder")
    parser.add_argument("--parts", default="throughput,efficiency",
                        help="throughput, efficiency or both (default)")
    parser.add_argument("--warmup-calls", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=4,
                        help="part A: the deployments take turns this many times")
    parser.add_argument("--latency-calls", type=int, default=4000,
                        help="calls at concurrency 1 per deployment, over the rounds (part A)")
    parser.add_argument("--calls", type=int, default=32000,
                        help="calls at --concurrency per deployment, over the rounds (part A)")
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--connections", type=int, default=12,
                        help="HTTP/2 connections (a multiple of 1, 2 and 3 spreads evenly)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of part B")
    parser.add_argument("--concurrency-b", type=int, default=50, help="gRPC clients of part B")
    parser.add_argument("--channels", type=int, default=20, help="channels of part B")
    parser.add_argument("--deadline", type=float, default=30.0, help="gRPC deadline (part B)")
    parser.add_argument("--bin-dir", type=Path, default=ROOT / "target" / "release")
    parser.add_argument("--redis-server", default="redis-server", help="the redis-server binary")
    parser.add_argument("--fixture", type=Path, default=ratelimit.FIXTURE)
    parser.add_argument("--out", type=Path, help="results folder (default: bench/results)")
    parser.add_argument("--label", default="", help="free text recorded in the report")
    parser.add_argument("--command", default="bench/redis", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.warmup_calls, args.latency_calls, args.calls, args.duration = 200, 600, 4000, 10.0
        args.rounds = 2
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if not parts or parts - {"throughput", "efficiency"}:
        parser.error("--parts: throughput, efficiency or both")
    args.bin_dir = args.bin_dir.resolve()
    for name in ("discord-emulator", "discordproxyserver", "discordproxy-loadgen"):
        if not (args.bin_dir / name).is_file():
            parser.error(f"{args.bin_dir / name} not found "
                         "(cargo build --release --workspace --bins)")
    if shutil.which(args.redis_server) is None:
        parser.error(f"{args.redis_server} not found (apt-get install redis-server)")
    redis_version = subprocess.run([args.redis_server, "--version"], capture_output=True,
                                   text=True).stdout.split(" sha=")[0].strip()
    fixture = json.loads(args.fixture.read_text())
    guild_channels = [c for g in fixture["guilds"] for c in g.get("channels", [])]
    channels = [int(c["id"]) for c in guild_channels
                if c.get("name", "").startswith("bench-")][: args.channels]
    if len(channels) < args.channels:
        parser.error(f"the fixture has only {len(channels)} bench channels")
    limits = fixture.get("rate_limits", {})
    args.limit = limits.get(ratelimit.MESSAGES_ROUTE, {}).get("limit", 5)
    args.window_s = limits.get(ratelimit.MESSAGES_ROUTE, {}).get("per_ms", 5000) / 1000
    report = {
        "date": datetime.date.today().isoformat(),
        "command": args.command,
        "commit": ratelimit.git_commit(),
        "label": args.label,
        "bin_dir": str(args.bin_dir),
        "redis_version": redis_version,
        "machine": ratelimit.machine(),
        "parameters": {
            "warmup_calls": args.warmup_calls,
            "rounds": args.rounds,
            "latency_calls": args.latency_calls,
            "calls": args.calls,
            "concurrency": args.concurrency,
            "connections": args.connections,
            "duration_s": args.duration,
            "concurrency_b": args.concurrency_b,
            "channels": len(channels),
            "deadline_s": args.deadline,
            "limit": args.limit,
            "window_s": args.window_s,
            "sources": SOURCES,
        },
        "throughput": [],
        "added_latency": None,
        "efficiency": None,
    }
    sampler = LoadSampler()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="discordproxy-redis."))
    try:
        if "throughput" in parts:
            report["throughput"] = run_throughput(args, fixture["token"], work)
            report["added_latency"] = added_latency(report["throughput"])
        if "efficiency" in parts:
            report["efficiency"] = run_efficiency(args, fixture, channels, fixture["token"], work)
    except BaseException:
        log(f"failed; process output kept in {work}")
        raise
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    report["loadavg_during"] = sampler.summary()
    report["loadavg_after"] = round(os.getloadavg()[0], 2)
    shutil.rmtree(work, ignore_errors=True)

    out_dir = args.out or (
        Path(tempfile.mkdtemp(prefix="redis-quick.")) if args.quick else ROOT / "bench" / "results"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"redis-{report['date']}"
    (out_dir / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    (out_dir / f"{stem}.md").write_text(markdown(report))
    if report["throughput"]:
        print(throughput_table(report["throughput"], args.concurrency))
        print()
        print(added_line(report["added_latency"], args.concurrency))
    if report["efficiency"]:
        print()
        print(efficiency_table(report["efficiency"]))
    print(f"\nreport: {out_dir / (stem + '.md')} (raw: {stem}.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
