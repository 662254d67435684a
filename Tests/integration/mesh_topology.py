"""Network-namespace topology for edge-mesh tests: one namespace per SFU node,
linked to the test's own namespace (the hub) by a veth pair, with every
node's announced address on the hub and userspace delay relays in between.

    hub (the test's namespace: backend, Redis, aiortc clients, relays)
      veth 10.77.N.1/24  <->  node namespace N: 10.77.N.2/24, default via 10.77.N.1
      lo   10.77.100.N/32  = node N's announced address (ANNOUNCE_IP)

A node announces 10.77.100.N (ICE candidates and its registry trunk address).
Nothing forwards between node namespaces (the hub does not route), so every
trunk datagram from node S to node N reaches the hub's 10.77.100.N, where a
`FlowRelay` holds it for the configured one-way delay of S→N and passes it
to 10.77.N.2 from a socket of its own per sender (replies go back the same
way, delayed N→S). Client media to a node crosses a relay with no delay.
Only namespaces and links this module created are removed on close.
"""
import json
import os
import selectors
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from conftest import RUN_DIR, edgemesh_bin, scrape_metrics, wait_until
from udp_relay import DelayScheduler

GRPC_PORT = 50051
RTC_PORT = 40000
TRUNK_PORT = 40001
METRICS_PORT = 9090


def run(*command, check=True):
    return subprocess.run(list(command), check=check, capture_output=True, text=True)


class FlowRelay:
    """A UDP relay from `listen` to `target` with one back socket per sender
    (so the target can tell senders apart and answer each), delaying each
    datagram by `delay(sender_ip, towards_target)` seconds. Counts datagrams
    and bytes per sender and direction."""

    def __init__(self, listen, target, back_host, delay, scheduler):
        self.target = target
        self.back_host = back_host
        self.delay = delay
        self.scheduler = scheduler
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(listen)
        self.front.setblocking(False)
        self.flows = {}  # sender address -> back socket
        self.senders = {}  # back socket fd -> sender address
        self.counts = {}  # (sender ip, "to" | "from") -> [datagrams, bytes]
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.front, selectors.EVENT_READ, None)
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _count(self, ip, direction, size):
        entry = self.counts.setdefault((ip, direction), [0, 0])
        entry[0] += 1
        entry[1] += size

    def _run(self):
        while self.running:
            for key, _ in self.selector.select(timeout=0.2):
                sock = key.fileobj
                try:
                    data, addr = sock.recvfrom(65535)
                except OSError:
                    continue
                if sock is self.front:
                    back = self.flows.get(addr)
                    if back is None:
                        back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        back.bind((self.back_host, 0))
                        back.setblocking(False)
                        self.flows[addr] = back
                        self.senders[back.fileno()] = addr
                        self.selector.register(back, selectors.EVENT_READ, None)
                    self._count(addr[0], "to", len(data))
                    self.scheduler.later(self.delay(addr[0], True), back, data, self.target)
                else:
                    sender = self.senders.get(sock.fileno())
                    if sender is None:
                        continue
                    self._count(sender[0], "from", len(data))
                    self.scheduler.later(self.delay(sender[0], False), self.front, data, sender)

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        for sock in [self.front, *self.flows.values()]:
            sock.close()
        self.selector.close()


class MeshNetwork:
    """Namespaces for `names` (index order gives 10.77.1.x, 10.77.2.x, …) and
    relays whose trunk delays come from `delays`: {(a, b): one-way seconds},
    symmetric unless both directions are given."""

    def __init__(self, names, delays):
        if os.geteuid() != 0 or not shutil.which("ip"):
            raise RuntimeError("network namespaces need root and iproute2")
        self.names = list(names)
        self.delays = dict(delays)
        self.tag = f"{os.getpid() % 100000}"
        self.namespaces = []
        self.links = []
        self.addresses = []
        self.relays = []
        self.scheduler = DelayScheduler()
        try:
            self._build()
        except Exception:
            self.close()
            raise

    def index(self, name):
        return self.names.index(name) + 1

    def namespace(self, name):
        return f"em{self.tag}{name}"

    def real(self, name):
        return f"10.77.{self.index(name)}.2"

    def gateway(self, name):
        return f"10.77.{self.index(name)}.1"

    def virtual(self, name):
        return f"10.77.100.{self.index(name)}"

    def name_of(self, ip):
        for name in self.names:
            if ip in (self.real(name), self.virtual(name)):
                return name
        return None

    def one_way(self, a, b):
        if (a, b) in self.delays:
            return self.delays[(a, b)]
        return self.delays.get((b, a), 0.0)

    def _build(self):
        run("ip", "link", "set", "lo", "up")
        for name in self.names:
            i = self.index(name)
            ns = self.namespace(name)
            hub_end, node_end = f"emh{self.tag}{i}", f"emn{self.tag}{i}"
            run("ip", "netns", "add", ns)
            self.namespaces.append(ns)
            run("ip", "link", "add", hub_end, "type", "veth", "peer", "name", node_end)
            self.links.append(hub_end)
            run("ip", "link", "set", node_end, "netns", ns)
            run("ip", "addr", "add", f"{self.gateway(name)}/24", "dev", hub_end)
            run("ip", "link", "set", hub_end, "up")
            run("ip", "-n", ns, "link", "set", "lo", "up")
            run("ip", "-n", ns, "addr", "add", f"{self.real(name)}/24", "dev", node_end)
            run("ip", "-n", ns, "link", "set", node_end, "up")
            run("ip", "-n", ns, "route", "add", "default", "via", self.gateway(name))
            run("ip", "addr", "add", f"{self.virtual(name)}/32", "dev", "lo")
            self.addresses.append(self.virtual(name))

    def relay(self, name, port, trunk):
        """Relays `virtual(name):port` to `real(name):port`; trunk relays delay by the sender's node."""
        def delay(ip, towards_target):
            sender = self.name_of(ip)
            if not trunk or sender is None or sender == name:
                return 0.0
            return self.one_way(sender, name) if towards_target else self.one_way(name, sender)
        relay = FlowRelay((self.virtual(name), port), (self.real(name), port), self.gateway(name), delay, self.scheduler)
        self.relays.append(relay)
        return relay

    def exec_args(self, name):
        return ["ip", "netns", "exec", self.namespace(name)]

    def close(self):
        for relay in self.relays:
            relay.close()
        self.scheduler.close()
        for address in self.addresses:
            run("ip", "addr", "del", f"{address}/32", "dev", "lo", check=False)
        for link in self.links:
            run("ip", "link", "del", link, check=False)
        for ns in self.namespaces:
            run("ip", "netns", "del", ns, check=False)


class MeshCredentials:
    """A mesh key and one credential per node (`edgemesh mesh init | issue-node`)."""

    def __init__(self, folder):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.key = folder / "mesh.key"
        if self.key.exists():
            self.key.unlink()
        run(edgemesh_bin(), "mesh", "init", "--out", str(self.key))

    def issue(self, node, region):
        for suffix in (".credential", ".key"):
            (self.folder / f"{node}{suffix}").unlink(missing_ok=True)
        run(edgemesh_bin(), "mesh", "issue-node", "--node", node, "--region", region, "--valid", "1d",
            "--mesh-key", str(self.key), "--out-dir", str(self.folder))
        return self.folder / f"{node}.credential"


class MeshRedis:
    """redis-server on the hub, reachable from every node namespace through its gateway."""

    def __init__(self, port=16379):
        self.port = port
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--port", str(port),
             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._ping, 10, "redis-server PONG")

    def _ping(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class MeshNode:
    """`edgemesh sfu` inside its namespace, announcing its hub address, with
    its trunk and media relays."""

    def __init__(self, network, name, region, credential, redis_port, extra_env=None):
        self.network = network
        self.name = name
        self.node_id = name
        self.region = region
        self.trunk_relay = network.relay(name, TRUNK_PORT, trunk=True)
        self.media_relay = network.relay(name, RTC_PORT, trunk=False)
        RUN_DIR.mkdir(exist_ok=True)
        self.log_path = RUN_DIR / f"mesh-{name}.log"
        self.log = open(self.log_path, "w")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "MESH_", "TRUNK_", "ANNOUNCE_"))}
        env.update({
            "REGION": region, "NODE_ID": name, "BIND_HOST": network.real(name), "ANNOUNCE_IP": network.virtual(name),
            "GRPC_PORT": str(GRPC_PORT), "RTC_PORT": str(RTC_PORT), "TRUNK_PORT": str(TRUNK_PORT),
            "METRICS_PORT": str(METRICS_PORT), "MESH_CREDENTIAL": str(credential),
            "REDIS_ADDR": f"{network.gateway(name)}:{redis_port}",
        })
        env.update(extra_env or {})
        self.proc = subprocess.Popen([*network.exec_args(name), edgemesh_bin(), "sfu"], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(self.healthy, 30, f"{name} /healthz")

    @property
    def grpc_address(self):
        return f"{self.network.real(self.name)}:{GRPC_PORT}"

    def healthy(self):
        assert self.proc.poll() is None, f"sfu {self.name} exited: {self.log_path.read_text()[-2000:]}"
        with urllib.request.urlopen(f"http://{self.network.real(self.name)}:{METRICS_PORT}/healthz", timeout=1) as r:
            return r.status == 200

    def metrics(self) -> dict:
        return scrape_metrics(f"{self.network.real(self.name)}:{METRICS_PORT}")

    def metrics_sum(self, prefix, **labels):
        return metric_sum(self.metrics(), prefix, **labels)

    def stop(self, kill=False):
        if self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()


ECHO_SERVER = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
print("ready", flush=True)
while True:
    data, addr = s.recvfrom(2048)
    s.sendto(data, addr)
"""

ECHO_CLIENT = """
import json, socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
rtts = []
for i in range(int(sys.argv[3])):
    sent = time.monotonic()
    s.sendto(struct.pack("!Id", i, sent), (sys.argv[1], int(sys.argv[2])))
    while True:
        data, _ = s.recvfrom(2048)
        seq, stamp = struct.unpack("!Id", data)
        if seq == i:
            break
    rtts.append(time.monotonic() - stamp)
print(json.dumps(rtts), flush=True)
"""


def echo_rtts(network, sender, receiver, count=20, port=TRUNK_PORT):
    """RTTs of plain UDP echoes from `sender`'s namespace to `receiver`'s
    announced address (through its trunk relay, which must exist)."""
    server = subprocess.Popen([*network.exec_args(receiver), sys.executable, "-c", ECHO_SERVER, network.real(receiver),
                               str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        client = subprocess.run([*network.exec_args(sender), sys.executable, "-c", ECHO_CLIENT, network.virtual(receiver),
                                 str(port), str(count)], capture_output=True, text=True, timeout=60, check=True)
        return json.loads(client.stdout)
    finally:
        server.kill()
        server.wait()


def metric_sum(metrics, prefix, **labels):
    """Sum of every sample whose name starts with `prefix` and has all `labels`."""
    total = 0.0
    for name, value in metrics.items():
        if not name.startswith(prefix):
            continue
        if all(f'{k}="{v}"' in name for k, v in labels.items()):
            total += value
    return total


def wait_for_time(predicate, timeout, what, interval=0.02):
    """Like conftest.wait_until but returns the monotonic time the predicate first held."""
    wait_until(predicate, timeout, what, interval=interval)
    return time.monotonic()
