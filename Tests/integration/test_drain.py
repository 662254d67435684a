"""`edgemesh drain` end to end: a backend and two SFU nodes of one region, real
aiortc clients. Draining their node sends them `migrate`; they reconnect, land
on the other node, and media flows again; the drained node refuses new
participants, reports `draining`, and exits once it is empty."""
import asyncio
import json
import subprocess

import grpc
import pytest

from backend_helpers import BackendProcess, Client, mint
from conftest import SFUProcess, edgemesh_bin, free_port, generated_stubs, wait_until
from peers import AudioStreamTrack, MovingVideoTrack, RTCSessionDescription, Subscriber, new_peer_connection, wait_for


async def join(backend, identity, room="drain-room"):
    client = await Client.connect(backend.ws_url(mint(room=room, identity=identity)))
    joined = await client.wait_type("joined")
    return client, joined


async def publish(client):
    pc = new_peer_connection()
    pc.addTrack(MovingVideoTrack())
    pc.addTrack(AudioStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    answer = await client.request({"type": "offer", "target": "publisher", "sdp": pc.localDescription.sdp}, "answer")
    assert answer["type"] == "answer", answer
    await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
    return pc


async def answer_offers(client, subscriber):
    index = 0
    while True:
        offer = await client.wait_for(lambda m: m.get("type") == "offer", 3600, "a server offer", index)
        index = client.messages.index(offer) + 1
        await subscriber.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
        await subscriber.pc.setLocalDescription(await subscriber.pc.createAnswer())
        await client.send({"type": "answer", "target": "subscriber", "sdp": subscriber.pc.localDescription.sdp})


class Call:
    """A publisher (alice) and a subscriber (bob) in one room, through one backend."""

    async def start(self, backend):
        self.alice, self.joined_alice = await join(backend, "alice")
        self.bob, self.joined_bob = await join(backend, "bob")
        self.subscriber = Subscriber()
        self.answering = asyncio.ensure_future(answer_offers(self.bob, self.subscriber))
        self.publisher = await publish(self.alice)
        return self

    async def close(self):
        self.answering.cancel()
        await self.subscriber.close()
        await self.publisher.close()
        await self.alice.close()
        await self.bob.close()


def regions_nodes(backend):
    _, regions = backend.get("/v1/regions")
    return {node["id"]: node for region in regions for node in region["nodes"]}


def test_drain_migrates_clients_to_the_other_node_and_the_node_exits():
    a = SFUProcess(region="test", node_id="drain-a")
    b_port = free_port()
    backend = BackendProcess(sfu_addrs=[f"127.0.0.1:{a.grpc_port}", f"127.0.0.1:{b_port}"])
    b = None
    pb, pb_grpc = generated_stubs()
    channel = grpc.insecure_channel(f"127.0.0.1:{a.grpc_port}")
    stub_a = pb_grpc.SFUStub(channel)
    drain = None

    async def scenario():
        nonlocal b, drain
        # Node b is not up yet, so both clients land on a.
        first = await Call().start(backend)
        assert first.joined_alice["sfu"]["node"] == "drain-a"
        assert first.joined_bob["sfu"]["node"] == "drain-a"
        await wait_for(lambda: first.subscriber.video_frames >= 10, 45, "video at bob on drain-a")

        b = SFUProcess(region="test", node_id="drain-b", grpc_port=b_port)
        wait_until(lambda: regions_nodes(backend).get("drain-b", {}).get("healthy"), 15, "drain-b healthy at the backend")

        drain = subprocess.Popen(
            [edgemesh_bin(), "drain", "drain-a", "--grpc", f"127.0.0.1:{a.grpc_port}", "--timeout", "60", "--wait",
             "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for client in (first.alice, first.bob):
            migrate = await client.wait_type("migrate", timeout=15)
            assert migrate["reason"] == "draining"

        # The draining node refuses new participants and says it is draining.
        stats = stub_a.GetNodeStats(pb.GetNodeStatsRequest(), timeout=5)
        assert stats.draining and stats.participants == 2
        with pytest.raises(grpc.RpcError) as refused:
            stub_a.CreateParticipant(pb.CreateParticipantRequest(room="drain-room", participant_id="late"), timeout=5)
        assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "draining" in refused.value.details()
        wait_until(lambda: not regions_nodes(backend)["drain-a"]["healthy"], 10, "drain-a not offered by /v1/regions")

        # The clients reconnect (same identities): placed on b, media flows again.
        frames_before = first.subscriber.video_frames
        second = await Call().start(backend)
        assert second.joined_alice["sfu"]["node"] == "drain-b"
        assert second.joined_bob["sfu"]["node"] == "drain-b"
        await first.alice.wait_type("error", code="duplicate_identity")
        await first.bob.wait_type("error", code="duplicate_identity")
        await wait_for(lambda: second.subscriber.video_frames >= 10, 45, "video at bob on drain-b")
        assert frames_before >= 10
        await first.close()

        # a is empty now: it exits by itself, and `drain --wait` reports it.
        wait_until(lambda: a.proc.poll() is not None, 20, "drain-a to exit")
        assert a.proc.returncode == 0, a.log_path.read_text()[-2000:]
        out, err = drain.communicate(timeout=20)
        assert drain.returncode == 0, err
        outcome = json.loads(out)
        assert outcome["node"] == "drain-a" and outcome["participants"] == 2
        assert outcome.get("exited") or outcome["remaining"] == 0, outcome
        assert "drain complete" in a.log_path.read_text()

        # b still serves: the call goes on.
        frames = second.subscriber.video_frames
        await wait_for(lambda: second.subscriber.video_frames > frames + 5, 20, "video keeps flowing on drain-b")
        await second.close()

    try:
        asyncio.run(scenario())
        assert backend.proc.poll() is None and b.proc.poll() is None
    finally:
        channel.close()
        if drain and drain.poll() is None:
            drain.kill()
            drain.wait()
        backend.stop()
        a.stop()
        if b:
            b.stop()


def run_cli(*args, timeout=30, env=None):
    return subprocess.run([edgemesh_bin(), *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_drain_of_an_empty_node_exits_at_once_and_errors_are_clear():
    node = SFUProcess(region="test", node_id="empty-1")
    try:
        wrong = run_cli("drain", "other-node", "--grpc", f"127.0.0.1:{node.grpc_port}")
        assert wrong.returncode == 68 and "is node empty-1, not other-node" in wrong.stderr, wrong
        unreachable = run_cli("drain", "empty-1", "--grpc", f"127.0.0.1:{free_port()}")
        assert unreachable.returncode == 69 and "does not answer" in unreachable.stderr, unreachable
        usage = run_cli("drain", "empty-1", env={"PATH": "/usr/bin:/bin"})
        assert usage.returncode == 64 and "--grpc" in usage.stderr, usage
        assert node.proc.poll() is None, "failed drains leave the node alone"

        done = run_cli("drain", "empty-1", "--grpc", f"127.0.0.1:{node.grpc_port}", "--timeout", "30")
        assert done.returncode == 0, done
        assert "draining empty-1" in done.stdout and "0 participants" in done.stdout
        wait_until(lambda: node.proc.poll() is not None, 10, "the empty node to exit")
        assert node.proc.returncode == 0
    finally:
        node.stop()


def test_drain_deadline_ends_a_node_that_keeps_participants():
    node = SFUProcess(region="test", node_id="stuck-1")
    pb, pb_grpc = generated_stubs()
    channel = grpc.insecure_channel(f"127.0.0.1:{node.grpc_port}")
    try:
        stub = pb_grpc.SFUStub(channel)
        stub.CreateParticipant(pb.CreateParticipantRequest(room="r", participant_id="p"), timeout=5)
        busy = run_cli("drain", "stuck-1", "--grpc", f"127.0.0.1:{node.grpc_port}", "--timeout", "2", "--wait", "--json")
        outcome = json.loads(busy.stdout)
        # The node exits at its deadline with the participant still there; --wait sees it go.
        assert busy.returncode == 0 and outcome["exited"] is True, busy
        wait_until(lambda: node.proc.poll() is not None, 10, "the node to exit at its deadline")
        assert node.proc.returncode == 0
        assert "drain complete" in node.log_path.read_text()
    finally:
        channel.close()
        node.stop()


def test_a_registry_record_marked_draining_migrates_its_participants():
    """Registry mode (REDIS_ADDR, no SFU_ADDRS): the backend reads `draining` from the node's record."""
    from backend_helpers import RedisProcess
    from test_nodes import register
    redis = RedisProcess()
    a = SFUProcess(region="test", node_id="reg-a")
    b = SFUProcess(region="test", node_id="reg-b")
    register(redis, "reg-a", "test", f"127.0.0.1:{a.grpc_port}")
    backend = BackendProcess(redis_addr=redis.address)

    async def scenario():
        alice, joined = await join(backend, "alice")
        assert joined["sfu"]["node"] == "reg-a"
        register(redis, "reg-b", "test", f"127.0.0.1:{b.grpc_port}")
        register(redis, "reg-a", "test", f"127.0.0.1:{a.grpc_port}", draining=True)
        migrate = await alice.wait_type("migrate", timeout=15)
        assert migrate["reason"] == "draining"
        again, rejoined = await join(backend, "alice")
        assert rejoined["sfu"]["node"] == "reg-b"
        await alice.wait_type("error", code="duplicate_identity")
        carol, joined_carol = await join(backend, "carol")
        assert joined_carol["sfu"]["node"] == "reg-b", "no placement on a draining node"
        for client in (alice, again, carol):
            await client.close()

    try:
        asyncio.run(scenario())
    finally:
        backend.stop()
        a.stop()
        b.stop()
        redis.stop()
