"""Edge mesh: SFU nodes with credentials from `edgemesh mesh`, a Redis
registry, trunks between them, and tracks relayed with PullTrack.

- Relay: an aiortc publisher on A, PullTrack on B, two aiortc subscribers on B
  decode video; A sends each packet once to B however many subscribers B has.
- Security: a flipped bit, a replayed datagram, a credential of another mesh
  and an expired credential are each dropped and counted; media goes on.
- Chain and failover: A -> B -> C; B dies, PullTrack on C from A resumes video
  within 2 s.
"""
import asyncio
import os
import subprocess
import time
import uuid

import pytest

from backend_helpers import RedisProcess
from conftest import edgemesh_bin, wait_until
from mesh_harness import (LoopbackCapture, Mesh, MeshNode, credential_bytes, credential_not_after, handshake_init,
                          send_udp)
from peers import wait_for
from sfu_harness import publish, subscribe

ROOM = "mesh-room"


@pytest.fixture
def redis_addr():
    shared = os.environ.get("EDGEMESH_TEST_REDIS_ADDR")
    if shared:
        yield shared
        return
    server = RedisProcess()
    yield server.address
    server.stop()


@pytest.fixture
def mesh(tmp_path):
    return Mesh(str(tmp_path))


def start_nodes(mesh, redis_addr, names, bind=None):
    prefix = f"mesh-test-{uuid.uuid4().hex[:8]}"
    nodes = []
    try:
        for name in names:
            nodes.append(MeshNode(name, f"reg-{name[-1]}", mesh.issue(name, f"reg-{name[-1]}"), redis_addr, prefix,
                                  bind=bind))
    except BaseException:
        for node in nodes:
            node.stop()
        raise
    return nodes


def pull(node, tracks, upstream):
    for track in tracks:
        node.stub.PullTrack(node.pb.PullTrackRequest(room=ROOM, track=track, upstream_node_id=upstream))


def trunk_sent(node, to_region):
    return node.metric("edgemesh_trunk_packets_total", from_region=node.region, to_region=to_region, direction="sent")


def test_relay_sends_one_copy_per_node_and_drops_forged_datagrams(mesh, redis_addr, tmp_path):
    a, b = start_nodes(mesh, redis_addr, ["node-a", "node-b"])
    capture = LoopbackCapture()
    try:
        pb = a.pb
        for x, y in ((a, b), (b, a)):
            wait_until(lambda x=x, y=y: x.established(y.node_id), 15, f"trunk {x.node_id} -> {y.node_id}")

        async def scenario():
            publisher, reply = await publish(a.stub, pb, ROOM, "alice")
            tracks = list(reply.tracks)
            assert all(t.origin_node_id == "node-a" and t.rtp.clock_rate > 0 for t in tracks), tracks
            video = next(t for t in tracks if t.kind == pb.TRACK_KIND_VIDEO)
            assert video.rtp.payload_type > 0 and video.rtp.header_extensions, video.rtp
            pull(b, tracks, "node-a")
            pull(b, tracks, "node-a")  # idempotent
            subs = [await subscribe(b.stub, pb, ROOM, name, [t.id for t in tracks]) for name in ("bob", "carol")]
            try:
                await wait_for(lambda: all(s.video_frames >= 30 for s in subs), 45, "30 decoded frames at each subscriber on B")
                await wait_for(lambda: all(s.audio_frames >= 10 for s in subs), 15, "audio at each subscriber on B")
                # The publisher's sender reports (aiortc sends one about every second per stream) reach B as
                # RTCP data frames, so B's subscribers get the publisher's clock (lip sync).
                await wait_for(lambda: b.metric("edgemesh_trunk_sender_reports_total", direction="received") >= 2, 15,
                               "publisher sender reports relayed to B")
                assert a.metric("edgemesh_trunk_sender_reports_total", direction="sent") >= 2

                # One copy per downstream node: over a window, what A sends to B matches what the publisher sent A.
                def counts():
                    return (a.metric("edgemesh_sfu_packets_received_total"), trunk_sent(a, "reg-b"),
                            b.metric("edgemesh_sfu_packets_forwarded_total"))
                before = counts()
                await asyncio.sleep(3)  # a measuring window, not synchronisation
                after = counts()
                published, trunked, forwarded = (y - x for x, y in zip(before, after))
                ratio = trunked / published
                print(f"\nwindow: publisher->A {published:.0f} packets, A->B trunk {trunked:.0f} frames "
                      f"(ratio {ratio:.3f}), B->subscribers {forwarded:.0f}")
                assert 0.9 <= ratio <= 1.25, (published, trunked)
                assert forwarded >= 1.8 * published, (published, forwarded)
                rtt = a.trunk("node-b").rtt_seconds
                print(f"trunk RTT A<->B {rtt * 1e6:.0f} us")
                assert 0 < rtt < 0.05
                assert a.metric("edgemesh_trunk_rtt_seconds_count", from_region="reg-a", to_region="reg-b") > 0
                stats = b.stub.GetNodeStats(pb.GetNodeStatsRequest())
                assert stats.relayed_tracks == 2

                # Security: each forged datagram is dropped and counted by reason on B.
                def drops():
                    return {r: b.metric("edgemesh_trunk_drops_total", reason=r)
                            for r in ("auth", "replay", "unknown_node", "expired_credential", "malformed")}
                base = drops()
                data = capture.next_udp(a.trunk_port, b.trunk_port, lambda d: len(d) > 100 and d[:2] == b"\xe1\x10")
                send_udp(b.trunk_port, data)  # replayed as captured
                flipped = bytearray(data)
                flipped[16] ^= 0x01  # a bit of the counter: authenticated as associated data
                send_udp(b.trunk_port, bytes(flipped))
                other = Mesh(str(tmp_path / "other"))
                send_udp(b.trunk_port, handshake_init(
                    "intruder", "node-b", credential_bytes(other.issue("intruder", "reg-x"))))
                expired = credential_bytes(mesh.issue("ghost", "reg-g", valid="1s"))
                await wait_for(lambda: time.time() >= credential_not_after(expired) + 0.2, 5, "the credential to expire")
                send_udp(b.trunk_port, handshake_init("ghost", "node-b", expired))
                send_udp(b.trunk_port, b"\xe1\x10short")
                want = {"replay": 1, "auth": 1, "unknown_node": 1, "expired_credential": 1, "malformed": 1}
                await wait_for(lambda: all(drops()[r] - base[r] >= n for r, n in want.items()), 5,
                               f"drops by reason {want}")
                seen = drops()
                print("drops on B:", {r: seen[r] - base[r] for r in want})
                frames = [s.video_frames for s in subs]
                await wait_for(lambda: all(s.video_frames >= f + 15 for s, f in zip(subs, frames)), 10,
                               "video going on after the forged datagrams")
                hops = b.metric("edgemesh_trunk_hop_latency_seconds_count")
                if hops:
                    print(f"B per-hop forwarding latency: mean "
                          f"{b.metric('edgemesh_trunk_hop_latency_seconds_sum') / hops * 1e6:.0f} us over {hops:.0f} samples")

                # ReleaseTrack: B unsubscribes, A drops its trunk sinks.
                for t in tracks:
                    b.stub.ReleaseTrack(pb.ReleaseTrackRequest(room=ROOM, track_id=t.id))
                assert b.stub.GetNodeStats(pb.GetNodeStatsRequest()).relayed_tracks == 0
                await wait_for(lambda: a.metric("edgemesh_trunk_relayed_tracks") == 0, 5, "A to drop its sinks")
            finally:
                for s in subs:
                    await s.close()
                await publisher.close()

        asyncio.run(scenario())
    finally:
        capture.close()
        for node in (a, b):
            node.stop()


def test_chain_relays_and_resumes_after_the_middle_node_dies(mesh, redis_addr):
    a, b, c = start_nodes(mesh, redis_addr, ["node-a", "node-b", "node-c"])
    try:
        for x, y in ((a, b), (b, c), (a, c), (c, a)):
            wait_until(lambda x=x, y=y: x.established(y.node_id), 15, f"trunk {x.node_id} -> {y.node_id}")
        pb = a.pb

        async def scenario():
            publisher, reply = await publish(a.stub, pb, ROOM, "alice")
            tracks = list(reply.tracks)
            pull(b, tracks, "node-a")
            pull(c, tracks, "node-b")
            sub = await subscribe(c.stub, pb, ROOM, "dave", [t.id for t in tracks])
            try:
                await wait_for(lambda: sub.video_frames >= 30, 45, "30 decoded frames on C through B")
                direct, relayed = trunk_sent(a, "reg-c"), trunk_sent(b, "reg-c")
                print(f"\nframes A->C {direct:.0f} (pings only), B->C {relayed:.0f}")
                assert relayed > 3 * direct, "the track goes A -> B -> C, not A -> C"
                # A's frames to C are its pings and handshake; B's carry the media.
                killed = time.monotonic()
                b.kill()
                frames = sub.video_frames
                await wait_for(lambda: time.monotonic() - killed > 0.5 and sub.video_frames <= frames + 2, 5,
                               "video to stall without B")
                stalled = sub.video_frames
                moved = time.monotonic()
                pull(c, tracks, "node-a")
                await wait_for(lambda: sub.video_frames >= stalled + 5, 10, "video to resume through A")
                resumed = time.monotonic()
                print(f"\nresume after PullTrack(upstream A): {(resumed - moved) * 1000:.0f} ms "
                      f"({(resumed - killed) * 1000:.0f} ms after B was killed)")
                assert resumed - moved < 2.0
            finally:
                await sub.close()
                await publisher.close()

        asyncio.run(scenario())
    finally:
        for node in (a, b, c):
            node.stop()


def test_a_credential_for_another_node_or_region_is_refused_at_start(mesh):
    credential = mesh.issue("node-x", "reg-x")
    for args, complaint in ((["--node-id", "node-y", "--region", "reg-x"], "NODE_ID"),
                            (["--node-id", "node-x", "--region", "reg-y"], "REGION")):
        result = subprocess.run(
            [edgemesh_bin(), "sfu", *args, "--mesh-credential", credential, "--grpc-port", "0", "--rtc-port", "0",
             "--metrics-port", "0", "--trunk-port", "0"], capture_output=True, text=True, timeout=30)
        assert result.returncode != 0 and complaint in result.stdout + result.stderr, result
    broken = os.path.join(mesh.directory, "broken.credential")
    with open(broken, "w") as f:
        f.write(open(credential).read().replace("credential: ", "credential: AAAA"))
    result = subprocess.run(
        [edgemesh_bin(), "sfu", "--node-id", "node-x", "--region", "reg-x", "--mesh-credential", broken,
         "--mesh-node-key", credential.replace(".credential", ".key"), "--grpc-port", "0", "--rtc-port", "0",
         "--metrics-port", "0"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "MESH_CREDENTIAL" in result.stdout + result.stderr, result


def test_simulcast_layers_cross_only_as_far_as_consumers_need_them(mesh, redis_addr):
    """Chromium publishes simulcast (q, h, f) on A; a Chromium subscriber on B
    asks for high, then low. At high, B pulls f, or h while f is not live
    (Chromium adapts its layers to bandwidth and CPU), plus q as the fallback;
    at low only q crosses the trunk."""
    from browser import StaticServer, call, chromium  # noqa: PLC0415 - selenium only for this test
    a, b = start_nodes(mesh, redis_addr, ["node-a", "node-b"])
    server = StaticServer()
    drivers = []
    try:
        drivers = [chromium(), chromium()]
        for d in drivers:
            d.get(server.url("peer.html"))
        publisher, subscriber = drivers
        wait_until(lambda: a.established("node-b") and b.established("node-a"), 15, "trunk A <-> B")
        pb = a.pb
        a.stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="pub"))
        offer = call(publisher, "window.peer.publish(true)")
        reply = a.stub.Publish(pb.PublishRequest(room=ROOM, participant_id="pub", offer_sdp=offer))
        call(publisher, "window.peer.acceptAnswer(arguments[0])", reply.answer_sdp)
        video = next(t for t in reply.tracks if t.kind == pb.TRACK_KIND_VIDEO)
        assert list(video.simulcast_rids) == ["q", "h", "f"], reply.tracks
        pull(b, reply.tracks, "node-a")
        b.stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="sub"))
        b.stub.Subscribe(pb.SubscribeRequest(room=ROOM, participant_id="sub", track_ids=[video.id],
                                             quality=pb.QUALITY_HIGH))
        server_offer = b.stub.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=ROOM, participant_id="sub"))
        answer = call(subscriber, "window.peer.subscribe(arguments[0])", server_offer.offer_sdp)
        b.stub.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(room=ROOM, participant_id="sub", answer_sdp=answer))

        def decoded(minimum):
            v = call(subscriber, "window.peer.stats()")["video"]
            return v if v and v["framesDecoded"] >= minimum else None

        first = wait_until(lambda: decoded(1), 40, "video decoded on B")
        high = wait_until(lambda: decoded(first["framesDecoded"] + 30), 30, "frames decoded on B")

        def layers():
            return [a.metric("edgemesh_trunk_layer_packets_total", layer=str(i)) for i in range(3)]

        # Chromium enables its upper layers as its bandwidth estimate and CPU
        # allow (this machine is shared): wait for B to get more than q.
        high = wait_until(lambda: (lambda v: v if v and v["frameWidth"] > 160 else None)(decoded(1)), 30,
                          "B to receive a layer above q")
        before = layers()
        time.sleep(2)  # a measuring window, not synchronisation
        during = [y - x for x, y in zip(before, layers())]
        sent = {o["rid"]: o["packetsSent"] for o in call(publisher, "window.peer.stats()")["outbound"]}
        print(f"\nA->B packets per layer in 2 s at high (layer 0 includes audio): {during}, "
              f"B decodes {high['frameWidth']}x{high['frameHeight']}; Chromium sent so far {sent}")
        assert during[0] > 20 and during[1] + during[2] > 20, during

        b.stub.SetQuality(pb.SetQualityRequest(room=ROOM, participant_id="sub", track_id=video.id,
                                               quality=pb.QUALITY_LOW))
        wait_until(lambda: (lambda v: v and 0 < v["frameWidth"] < high["frameWidth"])(
            call(subscriber, "window.peer.stats()")["video"]), 30, "a narrower frame on B after asking for low")

        def upper_layers_stopped():
            x = layers()
            time.sleep(0.5)
            return layers()[1:] == x[1:]
        wait_until(upper_layers_stopped, 10, "h and f to stop crossing")
        before = layers()
        time.sleep(2)  # a measuring window, not synchronisation
        after = [y - x for x, y in zip(before, layers())]
        print(f"A->B packets per layer in 2 s at low: {after}")
        assert after[0] > 20 and after[1] == 0 and after[2] == 0, after
        frames = decoded(0)["framesDecoded"]
        wait_until(lambda: decoded(frames + 30), 20, "video going on at low")
    finally:
        for d in drivers:
            d.quit()
        server.close()
        for node in (a, b):
            node.stop()


def test_trunk_over_ipv6(mesh, redis_addr, monkeypatch):
    """Nodes bound to ::1 announce [::1]:port, set up their trunk over IPv6
    and relay a track to a subscriber on the other node (peers on ::1 too)."""
    import aioice.ice
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4=True, use_ipv6=True: ["::1"])
    a, b = start_nodes(mesh, redis_addr, ["node-a", "node-b"], bind="::1")
    try:
        for x, y in ((a, b), (b, a)):
            wait_until(lambda x=x, y=y: x.established(y.node_id), 15, f"trunk {x.node_id} -> {y.node_id} over IPv6")

        async def scenario():
            publisher, reply = await publish(a.stub, a.pb, ROOM, "alice", audio=False)
            tracks = list(reply.tracks)
            pull(b, tracks, "node-a")
            sub = await subscribe(b.stub, b.pb, ROOM, "bob", [t.id for t in tracks])
            try:
                await wait_for(lambda: sub.video_frames >= 20, 45, "20 frames at the subscriber on B, relayed over IPv6")
            finally:
                await sub.close()
                await publisher.close()

        asyncio.run(scenario())
        assert trunk_sent(a, "reg-b") > 0
    finally:
        for node in (a, b):
            node.stop()
