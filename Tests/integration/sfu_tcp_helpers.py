"""Helpers of the ICE-TCP and TURN tests: an SFU with a known TCP port, an
nftables table (in the test's own network namespace) that blocks UDP from
one source address, Chromium pages, and aiortc run on a background loop."""
import asyncio
import shutil
import socket
import subprocess
import threading

import pytest

from conftest import SFUProcess, free_port

# Chromium's only host candidate in a loopback-only namespace is 127.0.0.1;
# the UDP-capable aiortc participant gathers on this other loopback address,
# so a firewall rule on the source address tells the two apart.
UDP_PEER_IP = "127.0.0.2"


def free_tcp_udp_port() -> int:
    """A port number free for both TCP and UDP on 127.0.0.1."""
    for _ in range(50):
        port = free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise AssertionError("no port free for both TCP and UDP")


def start_sfu(*extra) -> SFUProcess:
    tcp_port = free_port()
    node = SFUProcess(extra_args=("--rtc-tcp-port", str(tcp_port), *extra))
    node.rtc_tcp_port = tcp_port
    return node


def metric_sum(metrics: dict, prefix: str, **labels) -> float:
    total = 0.0
    for key, value in metrics.items():
        if key.startswith(prefix + "{") or key == prefix:
            if all(f'{k}="{v}"' in key for k, v in labels.items()):
                total += value
    return total


class Firewall:
    """One nftables table in the current network namespace (deleted on close)."""

    def __init__(self, name: str, rules: list[str]):
        if shutil.which("nft") is None:
            pytest.fail("nft (Debian package nftables) is required; devops/bootstrap installs it")
        self.name = name
        subprocess.run(["nft", "delete", "table", "inet", name], stderr=subprocess.DEVNULL)
        script = [f"table inet {name} {{", "  chain output {", "    type filter hook output priority 0; policy accept;"]
        script += [f"    {rule}" for rule in rules]
        script += ["  }", "}"]
        subprocess.run(["nft", "-f", "-"], input="\n".join(script).encode(), check=True)

    def counters(self) -> str:
        return subprocess.run(["nft", "list", "table", "inet", self.name], capture_output=True, text=True).stdout

    def close(self):
        subprocess.run(["nft", "delete", "table", "inet", self.name], stderr=subprocess.DEVNULL)


class LoopThread:
    """An asyncio loop on its own thread, so aiortc keeps running while
    Selenium calls block the test's thread."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout=60):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def bench_bin() -> str:
    import os
    from conftest import edgemesh_bin
    path = os.path.join(os.path.dirname(edgemesh_bin()), "edgemesh-bench")
    assert os.access(path, os.X_OK), f"edgemesh-bench not found at {path}; run swift build"
    return path


def fanout_command(node, subscribers=4, rate=400, duration=6.0, warmup=2.0, stalled=0):
    """`edgemesh-bench fanout` against `node`: synthetic VP8 at `rate` packets/s to
    `subscribers` UDP subscribers (loss from sequence gaps, latency from the send
    time in each packet), plus `stalled` ICE-TCP subscribers that stop reading."""
    return [bench_bin(), "fanout", "--sfu-grpc", f"127.0.0.1:{node.grpc_port}", "--sfu-pid", str(node.proc.pid),
            "--subscribers", str(subscribers), "--rate", str(rate), "--duration", str(duration),
            "--warmup", str(warmup), "--stalled-tcp-subscribers", str(stalled), "--json"]


def run_fanout(node, **kwargs) -> dict:
    import json
    result = subprocess.run(fanout_command(node, **kwargs), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
