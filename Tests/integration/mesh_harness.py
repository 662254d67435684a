"""Helpers for edge-mesh tests: a mesh key and node credentials made with
`edgemesh mesh`, SFU nodes that trunk to each other through a Redis registry,
and hand-made trunk datagrams (docs/trunk-protocol.md) for the security checks."""
import base64
import hashlib
import os
import secrets
import socket
import struct
import subprocess
import time
import urllib.request
import uuid

from conftest import RUN_DIR, edgemesh_bin, free_port, generated_stubs, scrape_metrics, wait_until


class Mesh:
    """`edgemesh mesh init` in a directory, and `issue-node` for each node."""

    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.key = os.path.join(directory, "mesh.key")
        subprocess.run([edgemesh_bin(), "mesh", "init", "--out", self.key], check=True, capture_output=True)

    def issue(self, node, region, valid="1d"):
        subprocess.run([edgemesh_bin(), "mesh", "issue-node", "--node", node, "--region", region, "--valid", valid,
                        "--mesh-key", self.key, "--out-dir", self.directory], check=True, capture_output=True)
        return os.path.join(self.directory, f"{node}.credential")


def credential_bytes(path):
    """The binary credential (§2.1) of a credential file."""
    for line in open(path).read().splitlines():
        if line.startswith("credential:"):
            return base64.b64decode(line.split(":", 1)[1].strip())
    raise AssertionError(f"no credential line in {path}")


def credential_not_after(credential: bytes) -> int:
    n = credential[1]
    r = credential[2 + n]
    return struct.unpack(">Q", credential[43 + n + r:51 + n + r])[0]


def node_tag(node_id: str) -> bytes:
    """§2.1: the first 8 bytes of BLAKE2b-256("EdgeMesh node tag v1" ‖ node id)."""
    return hashlib.blake2b(b"EdgeMesh node tag v1" + node_id.encode(), digest_size=32).digest()[:8]


def handshake_init(sender_id: str, responder_id: str, credential: bytes) -> bytes:
    """§4.1 init with a real credential but a random ephemeral key and MAC: the
    responder's credential checks (mesh key, validity) come before the MAC."""
    header = bytes([0xE1, 0x01, 0, 0]) + secrets.token_bytes(4) + node_tag(sender_id) \
        + struct.pack(">Q", time.time_ns() // 1000)
    body = node_tag(responder_id) + bytes([0x03, 0]) + struct.pack(">H", len(credential)) + secrets.token_bytes(32)
    return header + body + credential + secrets.token_bytes(16)


class MeshNode:
    """`edgemesh sfu` with a mesh credential and the registry in Redis."""

    def __init__(self, node_id, region, credential, redis_addr, prefix, bind=None):
        self.node_id, self.region = node_id, region
        # bind: the node's BIND_HOST (default 127.0.0.1), also what it announces for its trunk.
        self.address = f"[{bind}]" if bind and ":" in bind else (bind or "127.0.0.1")
        self.grpc_port = free_port()
        self.rtc_port = free_port(socket.SOCK_DGRAM)
        self.trunk_port = free_port(socket.SOCK_DGRAM)
        self.metrics_port = free_port()
        RUN_DIR.mkdir(exist_ok=True)
        self.log_path = RUN_DIR / f"{node_id}-{uuid.uuid4().hex[:4]}.log"
        self.log = open(self.log_path, "w")
        env = dict(os.environ, EDGEMESH_KEY_PREFIX=prefix, LOG_LEVEL="debug")
        self.proc = subprocess.Popen(
            [edgemesh_bin(), "sfu", "--region", region, "--node-id", node_id, "--grpc-port", str(self.grpc_port),
             "--rtc-port", str(self.rtc_port), "--metrics-port", str(self.metrics_port),
             "--trunk-port", str(self.trunk_port), "--mesh-credential", credential, "--redis-addr", redis_addr,
             *(["--bind", bind] if bind else [])],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        wait_until(self.healthy, 30, f"{node_id} /healthz")
        import grpc
        self.pb, grpc_module = generated_stubs()
        self.channel = grpc.insecure_channel(f"{self.address}:{self.grpc_port}")
        self.stub = grpc_module.SFUStub(self.channel)

    def healthy(self):
        assert self.proc.poll() is None, f"sfu exited: {self.log_path.read_text()[-2000:]}"
        with urllib.request.urlopen(f"http://{self.address}:{self.metrics_port}/healthz", timeout=1) as r:
            return r.status == 200

    def metrics(self) -> dict:
        return scrape_metrics(f"{self.address}:{self.metrics_port}")

    def metric(self, name, **labels):
        """Sum of the series of `name` whose labels include `labels`."""
        total = 0.0
        for key, value in self.metrics().items():
            base, _, rest = key.partition("{")
            if base == name and all(f'{k}="{v}"' in rest for k, v in labels.items()):
                total += value
        return total

    def trunk(self, peer):
        stats = self.stub.GetNodeStats(self.pb.GetNodeStatsRequest())
        return next((t for t in stats.trunks if t.peer_node_id == peer), None)

    def established(self, peer):
        t = self.trunk(peer)
        return t is not None and t.established

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        self.channel.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class LoopbackCapture:
    """Reads UDP datagrams off `lo` with an AF_PACKET socket (root in the test's
    network namespace): how the test gets real trunk frames to replay or tamper."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0800))
        self.sock.bind(("lo", 0))
        self.sock.settimeout(0.2)

    def next_udp(self, src_port, dst_port, predicate, timeout=5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                frame = self.sock.recv(65535)
            except socket.timeout:
                continue
            ip = frame[14:]
            if len(ip) < 20 or ip[9] != 17:
                continue
            ihl = (ip[0] & 0x0F) * 4
            sport, dport, length = struct.unpack(">HHH", ip[ihl:ihl + 6])
            payload = ip[ihl + 8:ihl + length]
            if sport == src_port and dport == dst_port and predicate(payload):
                return payload
        raise AssertionError(f"no datagram {src_port} -> {dst_port} within {timeout}s")

    def close(self):
        self.sock.close()


def send_udp(port, data):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(data, ("127.0.0.1", port))
