"""Child of bench/clients.py: times sequential calls of the `discordproxy` client importable in
this interpreter (the PyPI 1.5.1 package, or ours) against one server, with the code both
clients accept: one `DiscordClient(target=...)`, then `get_guild_channels(guild_id)` N times.

Prints one Markdown table row: client version, calls, calls/s, p50 and p99 latency (ms).
"""

from __future__ import annotations

import sys
import time

import discordproxy
from discordproxy.client import DiscordClient

target, guild_id, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
client = DiscordClient(target=target, timeout=30)
client.get_guild_channels(guild_id)  # warm-up (imports, the server's first answer)
latencies = []
started = time.perf_counter()
for _ in range(calls):
    t0 = time.perf_counter()
    channels = client.get_guild_channels(guild_id)
    latencies.append(time.perf_counter() - t0)
    assert len(channels) > 0
seconds = time.perf_counter() - started
latencies.sort()
p50 = latencies[len(latencies) // 2] * 1000
p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
print(f"| discordproxy {discordproxy.__version__} | {calls} | {calls / seconds:.0f} "
      f"| {p50:.2f} | {p99:.2f} |")
