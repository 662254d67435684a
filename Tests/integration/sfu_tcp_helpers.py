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
