"""The edge mesh end to end (issue 6): three SFU processes, each in its own
network namespace, trunks through userspace delay relays, one backend and
Redis on the hub; plus the relay harness itself, checked with plain UDP echo.

Topology and relays: mesh_topology.py. Node placement uses `rtt=` hints:
region A = us-east, B = eu-central, C = ap-southeast.
"""
import asyncio
import os
import shutil
import socket
import statistics
import threading
import time

import pytest

from backend_helpers import BackendProcess, Client, mint
from conftest import RUN_DIR, wait_until
from mesh_topology import (
    TRUNK_PORT, MeshCredentials, MeshNetwork, MeshNode, MeshRedis, echo_rtts, metric_sum,
)
from peers import MovingVideoTrack, RTCSessionDescription, Subscriber, new_peer_connection
from udp_relay import DelayRelay

REGIONS = {"A": "us-east", "B": "eu-central", "C": "ap-southeast"}
NEEDS_NAMESPACES = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("redis-server"),
    reason="needs root (network namespaces), iproute2 and redis-server")
# The node side of issue 6 (branch h/meshnode) is not merged: `PullTrack` and
# `ReleaseTrack` answer UNIMPLEMENTED, `NodeStats.trunks` is empty, nodes do not
# register in the registry with a trunk address, and there are no
# `edgemesh_trunk_*` metrics. Remove this marker when they land.
NODE_SIDE_MISSING = pytest.mark.skip(
    reason="node side of issue 6 missing on this branch: PullTrack/ReleaseTrack (UNIMPLEMENTED), "
           "NodeStats.trunks, registry trunk addresses, edgemesh_trunk_rtt_seconds metrics")


# --- the relay harness -------------------------------------------------------------------------

class _Echo:
    """A loopback UDP echo server on its own thread."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                data, addr = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            self.sock.sendto(data, addr)

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.mark.parametrize("delay", [0.040, 0.080, 0.120])
def test_delay_relay_holds_each_datagram_for_its_delay(delay):
    echo = _Echo()
    relay = DelayRelay(echo.port, delay)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.settimeout(3)
    try:
        rtts = []
        for i in range(15):
            sent = time.monotonic()
            client.sendto(i.to_bytes(4, "big"), ("127.0.0.1", relay.port))
            data, _ = client.recvfrom(64)
            assert int.from_bytes(data, "big") == i
            rtts.append(time.monotonic() - sent)
        # Both directions are held: the RTT is twice the delay, plus scheduling. Never early; the
        # best case within 5 ms; the median within 30 ms (the machine is shared and often loaded:
        # medians up to 17 ms over were seen at a load average of 19 on 2 cores; ~1 ms when idle).
        assert 2 * delay <= min(rtts) < 2 * delay + 0.005, rtts
        assert statistics.median(rtts) < 2 * delay + 0.030, rtts
        assert statistics.median(relay.scheduler.lateness) < 0.010, relay.scheduler.lateness
        # Datagrams overtake nothing: a burst keeps its order.
        for i in range(50):
            client.sendto(i.to_bytes(4, "big"), ("127.0.0.1", relay.port))
        order = [int.from_bytes(client.recvfrom(64)[0], "big") for _ in range(50)]
        assert order == list(range(50))
    finally:
        client.close()
        relay.close()
        echo.close()


@NEEDS_NAMESPACES
def test_namespace_trunk_relays_delay_each_pair_as_configured():
    delays = {("A", "B"): 0.040, ("A", "C"): 0.080, ("B", "C"): 0.120}
    network = MeshNetwork(["A", "B", "C"], delays)
    try:
        for name in network.names:
            network.relay(name, TRUNK_PORT, trunk=True)
        measured = {}
        for (a, b), delay in delays.items():
            for sender, receiver in ((a, b), (b, a)):
                rtts = echo_rtts(network, sender, receiver, count=25)
                median = statistics.median(rtts)
                measured[(sender, receiver)] = median
                # Never early, the best case within 5 ms, the median within 30 ms (a loaded shared machine).
                assert 2 * delay <= min(rtts) < 2 * delay + 0.005, (sender, receiver, rtts)
                assert median < 2 * delay + 0.030, (sender, receiver, rtts)
        # Nothing routes between node namespaces except through the hub's relays.
        direct = network.exec_args("A") + ["ping", "-c", "1", "-W", "1", network.real("B")]
        if shutil.which("ping"):
            assert os.spawnvp(os.P_WAIT, direct[0], direct) != 0
        print("echo RTT medians (s):", {f"{s}->{r}": round(v, 4) for (s, r), v in measured.items()})
    finally:
        network.close()


# --- end to end -----------------------------------------------------------------------------------

class TimedSubscriber(Subscriber):
    """Counts decoded video frames and remembers when each arrived."""

    def __init__(self):
        super().__init__()
        self.frame_times = []

    async def _consume(self, track):
        while True:
            try:
                frame = await track.recv()
            except Exception:  # noqa: BLE001 - track ended
                return
            if track.kind == "video":
                self.video_frames += 1
                self.frame_times.append(time.monotonic())


class Mesh:
    """The three-node mesh with Redis and one backend."""

    def __init__(self, delays, tmp_path, backends=1, node_env=None):
        self.network = MeshNetwork(["A", "B", "C"], delays)
        self.redis = None
        self.nodes = {}
        self.backend = None
        self.backends = []
        try:
            self.redis = MeshRedis()
            credentials = MeshCredentials(tmp_path / "mesh")
            for name, region in REGIONS.items():
                self.nodes[name] = MeshNode(self.network, name, region, credentials.issue(name, region), self.redis.port,
                                            extra_env=(node_env or {}).get(name))
            for i in range(backends):
                self.backends.append(BackendProcess(
                    sfu_addrs=[node.grpc_address for node in self.nodes.values()],
                    redis_addr=f"127.0.0.1:{self.redis.port}", env={"MESH_REPLAN_INTERVAL": "2"},
                    name=f"mesh-backend-{i}"))
            self.backend = self.backends[0]
            wait_until(self.trunks_measured, 30, "every trunk measured by both ends")
        except Exception:
            self.close()
            raise

    def trunks_measured(self):
        for name, node in self.nodes.items():
            if node.proc.poll() is not None:
                continue
            metrics = node.metrics()
            for peer in self.nodes:
                if peer != name and self.nodes[peer].proc.poll() is None:
                    labels = {"from_region": REGIONS[name], "to_region": REGIONS[peer]}
                    if metric_sum(metrics, "edgemesh_trunk_rtt_seconds_count", **labels) < 3:
                        return False
        return True

    def rtt_totals(self, sender, receiver):
        metrics = self.nodes[sender].metrics()
        labels = {"from_region": REGIONS[sender], "to_region": REGIONS[receiver]}
        return (metric_sum(metrics, "edgemesh_trunk_rtt_seconds_sum", **labels),
                metric_sum(metrics, "edgemesh_trunk_rtt_seconds_count", **labels))

    def mean_rtts(self, pairs, samples=10):
        """Mean trunk RTT of each pair over `samples` new pings (the trunks' set-up left out)."""
        start = {pair: self.rtt_totals(*pair) for pair in pairs}
        wait_until(lambda: all(self.rtt_totals(*pair)[1] >= start[pair][1] + samples for pair in pairs), 30,
                   f"{samples} more trunk pings on every pair")
        means = {}
        for pair in pairs:
            total, count = self.rtt_totals(*pair)
            means[pair] = (total - start[pair][0]) / (count - start[pair][1])
        return means

    def trunk_datagrams(self, sender, receiver):
        """Trunk datagrams from `sender` to `receiver`: through the receiver's relay
        (sent to its announced address) or back through the sender's own relay
        (answering the flow the receiver opened; nodes reply to a peer's source)."""
        forward = self.nodes[receiver].trunk_relay.counts.get((self.network.real(sender), "to"), [0, 0])[0]
        backward = self.nodes[sender].trunk_relay.counts.get((self.network.real(receiver), "from"), [0, 0])[0]
        return forward + backward

    def close(self):
        for backend in self.backends:
            backend.stop()
        for node in self.nodes.values():
            node.stop()
        if self.redis:
            self.redis.stop()
        self.network.close()


async def join(backend, identity, region, room="mesh"):
    hints = ",".join(f"{r}:{10 if r == region else 200}" for r in REGIONS.values())
    client = await Client.connect(backend.ws_url(mint(room=room, identity=identity), rtt=hints))
    joined = await client.wait_type("joined")
    return client, joined


async def answer_offers(client, subscriber):
    index = 0
    while True:
        offer = await client.wait_for(lambda m: m.get("type") == "offer", 3600, "a server offer", index)
        index = client.messages.index(offer) + 1
        await subscriber.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
        await subscriber.pc.setLocalDescription(await subscriber.pc.createAnswer())
        await client.send({"type": "answer", "target": "subscriber", "sdp": subscriber.pc.localDescription.sdp})


async def publish_video(client):
    pc = new_peer_connection()
    pc.addTrack(MovingVideoTrack())
    await pc.setLocalDescription(await pc.createOffer())
    answer = await client.request({"type": "offer", "target": "publisher", "sdp": pc.localDescription.sdp}, "answer")
    await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
    return pc


async def packets_sent(pc):
    """RTP packets the publisher's video sender has sent (aiortc outbound-rtp stats)."""
    report = await pc.getStats()
    return sum(getattr(stat, "packetsSent", 0) for stat in report.values() if stat.type == "outbound-rtp")


async def until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        await asyncio.sleep(0.02)


async def start_room(mesh, layout):
    """Joins the publisher on A and subscribers as `layout` says ({node: count})."""
    publisher, joined = await join(mesh.backend, "pub", REGIONS["A"])
    assert joined["sfu"]["node"] == "A"
    subscribers = []
    for node, count in layout.items():
        for i in range(count):
            client, joined = await join(mesh.backend, f"sub-{node}{i}", REGIONS[node])
            assert joined["sfu"]["node"] == node, joined["sfu"]
            peer = TimedSubscriber()
            subscribers.append((node, client, peer, asyncio.ensure_future(answer_offers(client, peer))))
    pc = await publish_video(publisher)
    await until(lambda: all(peer.video_frames >= 30 for _, _, peer, _ in subscribers), 40, "video on every subscriber")
    return publisher, pc, subscribers


async def close_room(publisher, pc, subscribers):
    for _, client, peer, task in subscribers:
        task.cancel()
        await peer.close()
        await client.close()
    await pc.close()
    await publisher.close()


@NEEDS_NAMESPACES
def test_three_regions_one_copy_per_downstream_node(tmp_path):
    delays = {("A", "B"): 0.040, ("A", "C"): 0.080, ("B", "C"): 0.120}
    mesh = Mesh(delays, tmp_path)
    try:
        rtts = mesh.mean_rtts([pair for a, b in delays for pair in ((a, b), (b, a))])
        for (a, b), delay in delays.items():
            for sender, receiver in ((a, b), (b, a)):
                rtt = rtts[(sender, receiver)]
                # Near the configured delay: never below it, and above it only by the relays' and
                # nodes' scheduling (~2 ms when the machine is quiet; up to 34 ms seen at load 19 on 2 cores).
                assert 2 * delay <= rtt < 2 * delay + 0.050, (sender, receiver, rtt)
        assert rtts[("A", "B")] < rtts[("A", "C")] < rtts[("B", "C")], rtts
        print("trunk RTT means (s):", {f"{s}->{r}": round(v, 4) for (s, r), v in rtts.items()})

        async def scenario():
            publisher, pc, subscribers = await start_room(mesh, {"B": 3, "C": 2})
            before = {pair: mesh.trunk_datagrams(*pair) for pair in [("A", "B"), ("A", "C"), ("B", "C")]}
            sent_before = await packets_sent(pc)
            received_before = sum(s.video_frames for _, _, s, _ in subscribers)
            await until(lambda: sum(s.video_frames for _, _, s, _ in subscribers) >= received_before + 5 * 60, 30,
                        "two more seconds of video on five subscribers")
            published = await packets_sent(pc) - sent_before
            sent = {pair: mesh.trunk_datagrams(*pair) - before[pair] for pair in before}
            print(f"publisher sent {published} RTP packets; trunk datagrams {sent}")
            # Three subscribers on B, two on C: one copy per node (plus pings and RTCP), not one per subscriber.
            for pair in [("A", "B"), ("A", "C")]:
                assert 0.8 * published <= sent[pair] <= 1.4 * published, (pair, sent, published)
            assert 0.8 <= sent[("A", "B")] / sent[("A", "C")] <= 1.25, sent
            assert sent[("B", "C")] < 0.2 * published, sent  # C is fed by A directly (80 ms < 40 + 120)
            for name in ("B", "C"):
                assert mesh.nodes[name].metrics_sum("edgemesh_trunk_relayed_tracks") >= 1
            await close_room(publisher, pc, subscribers)

        asyncio.run(scenario())
    finally:
        mesh.close()


DRAIN_SECONDS = 5


@NEEDS_NAMESPACES
@pytest.mark.parametrize("how", ["kill", "drain"])
def test_cascade_goes_through_the_middle_node_and_survives_its_stop(tmp_path, how):
    """B relays A's track to C. `kill`: B fails (SIGKILL); the backend hears its event stream
    break and moves C under A. `drain`: B gets SIGTERM and drains for DRAIN_SECONDS (its own
    subscriber ignores `migrate`, so it stays that long); the backend re-plans C under A while
    B still forwards (make-before-break), so C's video never stops, neither then nor when B exits."""
    delays = {("A", "B"): 0.040, ("B", "C"): 0.040, ("A", "C"): 0.150}
    mesh = Mesh(delays, tmp_path, node_env={"B": {"SHUTDOWN_TIMEOUT": str(DRAIN_SECONDS)}})
    try:
        async def scenario():
            publisher, pc, subscribers = await start_room(mesh, {"B": 1, "C": 2})
            # Until the backend has every trunk's RTT it may plan C straight from A (an unmeasured pair
            # costs 300 ms, a measured one its RTT); the periodic re-plan then moves C under B.
            await until(lambda: "tree=tree(A: A→B, B→C)" in mesh.backend.log_path.read_text(), 15,
                        "the backend planning A→B→C")
            await until(lambda: all(p.video_frames >= 10 for _, _, p, _ in subscribers), 10, "video")
            before = {pair: mesh.trunk_datagrams(*pair) for pair in [("A", "B"), ("A", "C"), ("B", "C")]}
            on_c = [peer for node, _, peer, _ in subscribers if node == "C"]
            start = min(p.video_frames for p in on_c)
            await until(lambda: min(p.video_frames for p in on_c) >= start + 90, 30, "3 s more video on C")
            sent = {pair: mesh.trunk_datagrams(*pair) - before[pair] for pair in before}
            # The track reaches C through B: B forwards about what A sends it; A–C carries only pings.
            assert sent[("B", "C")] >= 0.8 * sent[("A", "B")], sent
            assert sent[("A", "C")] < 0.2 * sent[("A", "B")], sent

            b = mesh.nodes["B"]
            stopped = time.monotonic()
            if how == "kill":
                b.stop(kill=True)  # a failure, not a drain
            else:
                # Not b.stop(): it waits for the exit and would block this event loop (and the subscribers).
                b.proc.terminate()
                # The event (`NodeDraining`) or the directory's next look (B's stats say draining) re-plans.
                await until(lambda: "re-planning around it" in mesh.backend.log_path.read_text(), 5,
                            "the backend re-planning around draining B")
                await until(lambda: "tree=tree(A: A→B, A→C)" in mesh.backend.log_path.read_text(), 5,
                            "C planned straight from A")
                assert b.proc.poll() is None, "B exited before its relay was re-planned"
                # C is fed by A now while B still runs: once the move is through, B–C carries only pings.
                switched = mesh.trunk_datagrams("A", "C")
                await until(lambda: mesh.trunk_datagrams("A", "C") >= switched + 100, 5, "video over A–C")
                moved = {pair: mesh.trunk_datagrams(*pair) for pair in [("A", "C"), ("B", "C")]}
                await until(lambda: mesh.trunk_datagrams("A", "C") >= moved[("A", "C")] + 100, 5, "more video over A–C")
                after = {pair: mesh.trunk_datagrams(*pair) - moved[pair] for pair in moved}
                assert after[("B", "C")] < 0.2 * after[("A", "C")], after
                assert b.proc.poll() is None, "B exited before the drain timeout"
                await until(lambda: b.proc.poll() is not None, DRAIN_SECONDS + 5, "B exiting at its drain timeout")
                assert b.proc.returncode == 0, b.proc.returncode
                assert "draining: no new participants" in b.log_path.read_text()
            exited = time.monotonic()
            await until(lambda: all(any(t > exited + 0.2 for t in p.frame_times) for p in on_c), 10,
                        "video on C after B stopped")
            # The outage: the longest gap between frames from the stop until 1 s after B is gone, per subscriber on C.
            outages = []
            at = []
            for peer in on_c:
                await until(lambda p=peer: len([t for t in p.frame_times if t > exited]) >= 30, 10, "steady video")
                times = [t for t in peer.frame_times if t >= stopped - 1]
                gap, start = max((b - a, a) for a, b in zip(times, times[1:]))
                outages.append(gap)
                at.append(start - stopped)
            print(f"cascade {how}: video gaps on C after stopping B: {[round(o, 3) for o in outages]} s, "
                  f"starting {[round(t, 2) for t in at]} s after the signal (B gone after {exited - stopped:.2f} s)")
            (RUN_DIR / f"mesh-failover-{how}.txt").write_text(" ".join(f"{o:.3f}" for o in outages))
            assert max(outages) < 2.0, outages
            await close_room(publisher, pc, [s for s in subscribers if s[0] == "C"])

        asyncio.run(scenario())
    finally:
        mesh.close()


@NEEDS_NAMESPACES
def test_two_backends_leave_the_relay_tree_to_the_publishers_backend(tmp_path):
    delays = {("A", "B"): 0.040, ("B", "C"): 0.040, ("A", "C"): 0.150}
    mesh = Mesh(delays, tmp_path, backends=2)
    first, second = mesh.backends
    try:
        async def scenario():
            publisher, joined = await join(first, "pub", REGIONS["A"])
            assert joined["sfu"]["node"] == "A"
            subscribers = []
            for node in ("B", "C"):
                client, joined = await join(second, f"sub-{node}", REGIONS[node])
                assert joined["sfu"]["node"] == node
                peer = TimedSubscriber()
                subscribers.append((node, client, peer, asyncio.ensure_future(answer_offers(client, peer))))
            pc = await publish_video(publisher)
            await until(lambda: all(peer.video_frames >= 30 for _, _, peer, _ in subscribers), 40,
                        "video on the second backend's subscribers")
            await close_room(publisher, pc, subscribers)

        asyncio.run(scenario())
        # Only the publisher's backend planned and pulled; the other asked (relay_need) and waited.
        assert "relay plan" in first.log_path.read_text()
        assert "relay plan" not in second.log_path.read_text()
    finally:
        mesh.close()
