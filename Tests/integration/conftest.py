"""Shared fixtures for the integration tests: real EdgeMesh processes, gRPC
stubs generated from Protos/ at test time, loopback-only network namespaces."""
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
RUN_DIR = ROOT / ".test-run"


def edgemesh_bin() -> str:
    path = os.environ.get("EDGEMESH_BIN", str(ROOT / ".build" / "debug" / "edgemesh"))
    assert os.access(path, os.X_OK), f"edgemesh binary not found at {path}; run swift build"
    return path


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    """Polls `predicate` until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - reported on timeout
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last error: {last_error})")


def scrape_metrics(address: str) -> dict:
    """The Prometheus text at http://ADDRESS/metrics as {series: value}
    (series = the name with its labels, as exposed)."""
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=2) as r:
        text = r.read().decode()
    values = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.rpartition(" ")
        values[name] = float(value)
    return values


def generated_stubs():
    """Generates Python gRPC stubs from Protos/ into .test-run/pb and imports them."""
    out = RUN_DIR / "pb"
    if not (out / "edgemesh" / "v1" / "sfu_pb2_grpc.py").exists():
        out.mkdir(parents=True, exist_ok=True)
        protos = [str(p.relative_to(ROOT / "Protos")) for p in (ROOT / "Protos").rglob("*.proto")]
        subprocess.run(
            [sys.executable, "-m", "grpc_tools.protoc", "-I", str(ROOT / "Protos"),
             f"--python_out={out}", f"--grpc_python_out={out}", *protos],
            check=True, cwd=ROOT / "Protos")
        for d in [out / "edgemesh", out / "edgemesh" / "v1"]:
            (d / "__init__.py").touch()
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    from edgemesh.v1 import sfu_pb2, sfu_pb2_grpc  # noqa: E402
    return sfu_pb2, sfu_pb2_grpc


class SFUProcess:
    def __init__(self, region="test", node_id=None, extra_args=(), grpc_port=None, env=None, bind=None):
        # bind: the node's BIND_HOST (default 127.0.0.1); `address` is its host in URLs.
        self.host = bind or "127.0.0.1"
        self.address = f"[{self.host}]" if ":" in self.host else self.host
        self.grpc_port = grpc_port or free_port()
        self.rtc_port = free_port(socket.SOCK_DGRAM)
        self.metrics_port = free_port()
        self.node_id = node_id or f"sfu-{uuid.uuid4().hex[:6]}"
        self.region = region
        RUN_DIR.mkdir(exist_ok=True)
        self.log_path = RUN_DIR / f"{self.node_id}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [edgemesh_bin(), "sfu", "--region", region, "--node-id", self.node_id,
             "--grpc-port", str(self.grpc_port), "--rtc-port", str(self.rtc_port),
             "--metrics-port", str(self.metrics_port), *(["--bind", bind] if bind else []), *extra_args],
            # SIGTERM drains (docs/operations.md); tests stop nodes quickly.
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "SHUTDOWN_TIMEOUT": "2", **(env or {})})
        wait_until(self.healthy, 30, f"{self.node_id} /healthz")

    def healthy(self):
        assert self.proc.poll() is None, f"sfu exited: {self.log_path.read_text()[-2000:]}"
        with urllib.request.urlopen(f"http://{self.address}:{self.metrics_port}/healthz", timeout=1) as r:
            return r.status == 200

    def metrics(self) -> dict:
        return scrape_metrics(f"{self.address}:{self.metrics_port}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def sfu():
    node = SFUProcess()
    yield node
    alive = node.proc.poll() is None
    node.stop()
    assert alive, f"the SFU crashed during the test; log: {node.log_path}"


@pytest.fixture
def sfu_stub(sfu):
    import grpc
    sfu_pb2, sfu_pb2_grpc = generated_stubs()
    channel = grpc.insecure_channel(f"127.0.0.1:{sfu.grpc_port}")
    yield sfu_pb2, sfu_pb2_grpc.SFUStub(channel)
    channel.close()
