"""Helpers of the package tests: a server process with any flags (and a fixed port, so that it
can be restarted where clients expect it), a TCP proxy that counts connections, test
certificates made with the openssl CLI, and a wait for the gateway."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from support import API, STARTUP_TIMEOUT, TOKEN, Emulator, _tail, binary, free_port, stop_process


class ProxyServer:
    """A discordproxyserver process pointed at an emulator, on `port` (default: a free one)."""

    def __init__(
        self,
        emulator: Emulator,
        work_dir: Path,
        extra_args: list[str] | tuple[str, ...] = (),
        port: int | None = None,
    ) -> None:
        self.emulator = emulator
        self.work_dir = work_dir
        self.extra_args = list(extra_args)
        self.port = port or free_port()
        self.target = f"127.0.0.1:{self.port}"
        self.starts = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        """Starts the process (again) and waits until it accepts TCP connections."""
        self.starts += 1
        log_dir = self.work_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.output_path = self.work_dir / f"server-{self.starts}.output"
        env = {k: v for k, v in os.environ.items() if k != "DISCORD_BOT_TOKEN"}
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            with open(self.output_path, "wb") as out:
                self.proc = subprocess.Popen(
                    [
                        str(binary("discordproxyserver")),
                        "--token", TOKEN,
                        "--host", "127.0.0.1",
                        "--port", str(self.port),
                        "--discord-api-url", self.emulator.api_url,
                        "--log-file-path", str(log_dir),
                        "--log-console-level", "DEBUG",
                        *self.extra_args,
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=self.work_dir,
                    env=env,
                )
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                        return
                except OSError:
                    time.sleep(0.05)
            output = _tail(self.output_path)
            if self.proc.poll() is None:
                self.stop()
                pytest.fail(f"discordproxyserver not listening on {self.target}:\n{output}")
            if "in use" in output.lower() and time.monotonic() < deadline:
                time.sleep(0.2)  # the old process's port is not free yet
                continue
            pytest.fail(f"discordproxyserver exited with {self.proc.returncode}:\n{output}")

    def kill(self) -> None:
        """SIGKILL: connections drop without a goodbye."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> int | None:
        """SIGTERM (graceful shutdown: streams end with UNAVAILABLE)."""
        if self.proc is None:
            return None
        return stop_process(self.proc, timeout=15)

    def output(self) -> str:
        return self.output_path.read_text(errors="replace")


def wait_for_gateway(target: str, timeout: float = STARTUP_TIMEOUT, **client_args: object) -> None:
    """Until every gateway shard of the server is READY (events flow)."""
    from discordproxy import discord_api_pb2 as pb
    from discordproxy.client import DiscordClient

    deadline = time.monotonic() + timeout
    last: object = None
    with DiscordClient(target, timeout=5, **client_args) as client:  # type: ignore[arg-type]
        while time.monotonic() < deadline:
            try:
                shards = client.get_gateway_status().shards
                last = shards
                if shards and all(s.state == pb.ShardStatus.READY for s in shards):
                    return
            except Exception as ex:  # not up yet
                last = ex
            time.sleep(0.1)
    pytest.fail(f"gateway of {target} not ready in {timeout}s: {last!r}")


def post_as_bot(emulator: Emulator, channel_id: int, content: str) -> dict:
    """A message posted straight to the emulator (its gateway dispatches MESSAGE_CREATE)."""
    status, body = emulator._http(
        "POST",
        f"{API}/channels/{channel_id}/messages",
        {"content": content},
        headers={"Authorization": f"Bot {TOKEN}"},
    )
    assert status == 200, (status, body)
    return body


def dispatch(emulator: Emulator, name: str, data: dict, count: int = 1) -> None:
    """Gateway dispatches made up by the emulator (`count` copies)."""
    status, body = emulator._http(
        "POST", "/_emulator/gateway/dispatch", {"t": name, "d": data, "count": count}
    )
    assert status == 200, (status, body)


class TcpCounter:
    """A TCP proxy on 127.0.0.1 that forwards to `upstream` and counts accepted connections."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.accepted = 0
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.target = f"127.0.0.1:{self.port}"
        self._closed = False
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True, name="tcp-counter").start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                downstream, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                downstream.close()
                continue
            self._sockets += [downstream, upstream]
            for a, b in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        for s in self._sockets:
            try:
                s.close()
            except OSError:
                pass


# ---------------------------------------------------------------------------------------------
# Certificates (openssl CLI, as the README's "Test certificates")
# ---------------------------------------------------------------------------------------------


def _openssl(*args: str, cwd: Path) -> None:
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"openssl {' '.join(args)}:\n{result.stderr}"


def make_certificates(folder: Path) -> dict[str, Path]:
    """A CA, a server certificate for localhost/127.0.0.1, a client certificate (clientAuth),
    and a second, unrelated CA. Returns their paths by name."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl CLI is needed to make test certificates")
    folder.mkdir(parents=True, exist_ok=True)
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
    for ca in ("ca", "other-ca"):
        _openssl("req", "-x509", *ec, "-days", "2", "-subj", f"/CN=discordproxy test {ca}",
                 "-keyout", f"{ca}.key", "-out", f"{ca}.pem", cwd=folder)
    (folder / "server.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    (folder / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for name, ext in (("server", "server.ext"), ("client", "client.ext")):
        cn = "localhost" if name == "server" else "my-app"
        _openssl("req", *ec, "-subj", f"/CN={cn}", "-keyout", f"{name}.key",
                 "-out", f"{name}.csr", cwd=folder)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", f"{name}.pem",
                 cwd=folder)
    return {
        name: folder / name
        for name in ("ca.pem", "other-ca.pem", "server.pem", "server.key", "client.pem",
                     "client.key")
    }
