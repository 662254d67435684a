"""The client protocol (PROTOCOL.md) against a real `edgemesh backend` and a
real `edgemesh sfu`: join, publish with aiortc, auto-subscribe, chat, mute,
leave, and every error code, with the socket staying open where the
protocol says so."""
import asyncio
import json

import pytest

from backend_helpers import BackendProcess, Client, mint, rejection
from conftest import SFUProcess
from peers import AudioStreamTrack, MovingVideoTrack, RTCSessionDescription, Subscriber, new_peer_connection, wait_for


@pytest.fixture
def backend(sfu):
    process = BackendProcess(sfu_addrs=[f"127.0.0.1:{sfu.grpc_port}"])
    yield process
    alive = process.proc.poll() is None
    process.stop()
    assert alive, f"the backend crashed during the test; log: {process.log_path}"


async def join(backend, identity, room="room", **params):
    client = await Client.connect(backend.ws_url(mint(room=room, identity=identity), **params))
    joined = await client.wait_type("joined")
    assert client.messages[0]["type"] == "joined", client.messages
    return client, joined


async def publish(client, kinds=("video", "audio")):
    """Publishes aiortc tracks; returns (peer connection, answer message)."""
    pc = new_peer_connection()
    if "video" in kinds:
        pc.addTrack(MovingVideoTrack())
    if "audio" in kinds:
        pc.addTrack(AudioStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    answer = await client.request({"type": "offer", "target": "publisher", "sdp": pc.localDescription.sdp}, "answer")
    assert answer["type"] == "answer", answer
    assert answer["target"] == "publisher"
    await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
    return pc, answer


async def answer_offers(client, subscriber):
    """Answers every server offer, as it comes, with the aiortc subscriber (run as a task)."""
    index = 0
    while True:
        offer = await client.wait_for(lambda m: m.get("type") == "offer", 3600, "a server offer", index)
        index = client.messages.index(offer) + 1
        assert offer["target"] == "subscriber"
        await subscriber.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
        await subscriber.pc.setLocalDescription(await subscriber.pc.createAnswer())
        await client.send({"type": "answer", "target": "subscriber", "sdp": subscriber.pc.localDescription.sdp})


def test_join_lists_others_and_announces_newcomers(backend):
    async def scenario():
        alice, joined_a = await join(backend, "alice")
        assert joined_a["room"]["name"] == "room" and joined_a["room"]["sid"]
        assert joined_a["participant"]["identity"] == "alice"
        assert joined_a["participant"]["name"] == "alice"
        assert joined_a["participant"]["grants"] == {"publish": True, "subscribe": True, "chat": True, "admin": False}
        assert joined_a["participants"] == []
        assert joined_a["sfu"]["node"] and joined_a["sfu"]["region"] == "test"
        assert joined_a["iceServers"] == []

        bob, joined_b = await join(backend, "bob")
        assert [p["identity"] for p in joined_b["participants"]] == ["alice"]
        assert joined_b["participants"][0]["id"] == joined_a["participant"]["id"]
        assert joined_b["room"]["sid"] == joined_a["room"]["sid"]
        announced = await alice.wait_type("participant_joined")
        assert announced["participant"]["id"] == joined_b["participant"]["id"]
        assert announced["participant"]["tracks"] == []
        await bob.ping()
        await alice.close()
        await bob.close()

    asyncio.run(scenario())
    metrics = backend.metrics()
    assert metrics["edgemesh_backend_joins_total"] == 2
    assert metrics['edgemesh_region_assignments_total{region="test",reason="default"}'] == 2


def test_publish_auto_subscribe_and_media(backend):
    async def scenario():
        alice, joined_a = await join(backend, "alice")
        bob, _ = await join(backend, "bob")
        subscriber = Subscriber()
        await alice.send({"type": "track_info", "mid": "0", "source": "camera", "name": "front"})
        publisher, _ = await publish(alice)
        await alice.wait_for(lambda m: len(alice.of_type("track_published")) >= 2, 10, "two own track_published")
        own = alice.of_type("track_published")
        assert {t["track"]["kind"] for t in own} == {"audio", "video"}
        assert all(t["track"]["participantId"] == joined_a["participant"]["id"] for t in own)
        video = next(t["track"] for t in own if t["track"]["kind"] == "video")
        assert video["source"] == "camera" and video["name"] == "front" and video["muted"] is False

        # Bob learns of every track before the offer that carries it.
        answering = asyncio.ensure_future(answer_offers(bob, subscriber))
        await wait_for(lambda: subscriber.video_frames >= 10, 45, "video frames at bob")
        await wait_for(lambda: subscriber.audio_frames >= 5, 15, "audio at bob")
        for offer in bob.of_type("offer"):
            before = bob.messages[:bob.messages.index(offer)]
            known = {m["track"]["id"] for m in before if m["type"] == "track_published"}
            for track in own:
                if track["track"]["id"] in offer["sdp"]:
                    assert track["track"]["id"] in known, (track, bob.messages)
        carried = {t["track"]["id"] for t in own for o in bob.of_type("offer") if t["track"]["id"] in o["sdp"]}
        assert carried == {t["track"]["id"] for t in own}, "offers name the tracks they carry (a=msid)"
        assert len(bob.of_type("offer")) == 1, "the tracks of one publish come in one server offer"

        # Bob publishes too and Alice subscribes: both have both transports connected (join latency).
        back = Subscriber()
        answering_alice = asyncio.ensure_future(answer_offers(alice, back))
        bob_publisher, _ = await publish(bob, kinds=("audio",))
        await wait_for(lambda: back.audio_frames >= 5, 20, "audio at alice")

        def joins_measured():
            return backend.metrics().get("edgemesh_backend_join_latency_seconds_count", 0) >= 2
        await wait_for(joins_measured, 10, "two join latencies")
        answering.cancel()
        answering_alice.cancel()
        await back.close()
        await bob_publisher.close()
        assert not [m for m in bob.messages if m["type"] == "error"], bob.messages
        assert not [m for m in alice.messages if m["type"] == "error"], alice.messages
        await subscriber.close()
        await publisher.close()
        await alice.close()
        await bob.close()

    asyncio.run(scenario())


def test_late_joiner_gets_tracks_in_joined_and_an_offer(backend):
    async def scenario():
        alice, _ = await join(backend, "alice")
        publisher, _ = await publish(alice)
        await alice.wait_for(lambda m: len(alice.of_type("track_published")) >= 2, 10, "own tracks")
        carol, joined = await join(backend, "carol")
        assert [p["identity"] for p in joined["participants"]] == ["alice"]
        tracks = joined["participants"][0]["tracks"]
        assert sorted(t["kind"] for t in tracks) == ["audio", "video"]
        offer = await carol.wait_type("offer", 15)
        assert offer["target"] == "subscriber"
        assert not carol.of_type("track_published"), "existing tracks come in joined, not as track_published"
        # auto_subscribe=false: no offer.
        dave, joined_d = await join(backend, "dave", auto_subscribe="false")
        assert len(joined_d["participants"]) == 2
        await dave.ping()
        assert not dave.of_type("offer")
        # Manual subscription with a quality.
        video = next(t for t in tracks if t["kind"] == "video")
        ident = "sub-1"
        await dave.send({"type": "subscribe", "trackIds": [video["id"]], "subscribed": True, "quality": "low", "id": ident})
        offer = await dave.wait_type("offer", 15)
        assert video["id"] in offer["sdp"] or "m=video" in offer["sdp"]
        await publisher.close()
        for c in (alice, carol, dave):
            await c.close()

    asyncio.run(scenario())


def test_chat_order_ref_and_history(backend):
    async def scenario():
        alice, _ = await join(backend, "alice")
        bob, _ = await join(backend, "bob")
        for i in range(5):
            await alice.send({"type": "chat", "text": f"message {i}", "id": f"c{i}"})
        await bob.send({"type": "chat", "text": "from bob"})
        await alice.wait_for(lambda m: len(alice.of_type("chat")) >= 6, 10, "six chats at alice")
        await bob.wait_for(lambda m: len(bob.of_type("chat")) >= 6, 10, "six chats at bob")
        texts_a = [m["text"] for m in alice.of_type("chat")]
        texts_b = [m["text"] for m in bob.of_type("chat")]
        assert texts_a == texts_b, (texts_a, texts_b)
        assert [t for t in texts_a if t.startswith("message")] == [f"message {i}" for i in range(5)]
        refs = [m.get("ref") for m in alice.of_type("chat") if m["text"].startswith("message")]
        assert refs == [f"c{i}" for i in range(5)]
        assert all("ref" not in m for m in bob.of_type("chat") if m["text"].startswith("message"))
        first = next(m for m in alice.of_type("chat") if m["text"] == "message 0")
        assert first["from"]["identity"] == "alice" and first["id"] and isinstance(first["ts"], int)

        carol, _ = await join(backend, "carol")
        await carol.wait_for(lambda m: len(carol.of_type("chat")) >= 6, 10, "history at carol")
        assert carol.messages[0]["type"] == "joined"
        assert [m["text"] for m in carol.of_type("chat")] == texts_a
        assert [m["id"] for m in carol.of_type("chat")] == [m["id"] for m in alice.of_type("chat")]
        for c in (alice, bob, carol):
            await c.close()

    asyncio.run(scenario())


def test_chat_history_keeps_the_last_100(backend):
    async def scenario():
        alice, _ = await join(backend, "alice")
        for i in range(105):
            await alice.send({"type": "chat", "text": f"m{i}"})
            if i % 40 == 39:
                await asyncio.sleep(1)  # stay under the message rate limit
        await alice.wait_for(lambda m: len(alice.of_type("chat")) >= 105, 20, "105 chats")
        bob, _ = await join(backend, "bob")
        await bob.wait_for(lambda m: len(bob.of_type("chat")) >= 100, 10, "history")
        await bob.ping()
        assert [m["text"] for m in bob.of_type("chat")] == [f"m{i}" for i in range(5, 105)]
        await alice.close()
        await bob.close()

    asyncio.run(scenario())


def test_mute_own_track_and_not_others(backend):
    async def scenario():
        alice, _ = await join(backend, "alice")
        bob, _ = await join(backend, "bob")
        publisher, _ = await publish(alice, kinds=("audio",))
        track = (await alice.wait_type("track_published"))["track"]
        await alice.send({"type": "mute", "trackId": track["id"], "muted": True})
        for c in (alice, bob):
            muted = await c.wait_type("track_muted", trackId=track["id"])
            assert muted["muted"] is True
        reply = await bob.request({"type": "mute", "trackId": track["id"], "muted": False}, "track_muted")
        assert reply["type"] == "error" and reply["code"] == "not_allowed"
        await bob.ping()
        # A late joiner sees the muted state.
        carol, joined = await join(backend, "carol")
        alice_entry = next(p for p in joined["participants"] if p["identity"] == "alice")
        assert alice_entry["tracks"][0]["muted"] is True
        await publisher.close()
        for c in (alice, bob, carol):
            await c.close()

    asyncio.run(scenario())


def test_leave_unpublishes_then_leaves(backend):
    async def scenario():
        alice, joined_a = await join(backend, "alice")
        bob, _ = await join(backend, "bob")
        publisher, _ = await publish(alice)
        await bob.wait_for(lambda m: len(bob.of_type("track_published")) >= 2, 10, "alice's tracks at bob")
        await alice.send({"type": "leave"})
        await alice.wait_closed(10)
        left = await bob.wait_type("participant_left", participantId=joined_a["participant"]["id"])
        left_index = bob.messages.index(left)
        unpublished = [i for i, m in enumerate(bob.messages) if m["type"] == "track_unpublished"]
        assert len(unpublished) == 2 and all(i < left_index for i in unpublished), bob.messages
        await bob.ping()
        await publisher.close()
        await bob.close()

    asyncio.run(scenario())


def test_disconnect_counts_as_leave(backend):
    async def scenario():
        alice, joined_a = await join(backend, "alice")
        bob, _ = await join(backend, "bob")
        await alice.close()
        await bob.wait_type("participant_left", participantId=joined_a["participant"]["id"])
        await bob.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("message, fragment", [
    ("{not json", "not valid JSON"),
    ("[1,2]", "JSON object"),
    (json.dumps({"text": "no type"}), "missing field type"),
    (json.dumps({"type": 7}), "type must be a string"),
    (json.dumps({"type": "chat", "id": "x1"}), "missing field text"),
    (json.dumps({"type": "chat", "text": 5, "id": "x2"}), "text must be a string"),
    (json.dumps({"type": "chat", "text": "", "id": "x3"}), "1 to 4096"),
    (json.dumps({"type": "chat", "text": "x" * 4097}), "1 to 4096"),
    (json.dumps({"type": "ping"}), "missing field ts"),
    (json.dumps({"type": "mute", "trackId": "TR_x", "muted": "yes"}), "muted must be a boolean"),
    (json.dumps({"type": "subscribe", "trackIds": "TR_x", "subscribed": True}), "trackIds must be an array"),
    (json.dumps({"type": "offer", "target": "subscriber", "sdp": "v=0"}), "target \"publisher\""),
    (json.dumps({"type": "answer", "target": "subscriber", "sdp": "v=0"}), "no server offer"),
    (json.dumps({"type": "track_info", "mid": "0", "source": "webcam"}), "unknown value"),
    (json.dumps({"type": "chat", "text": "x" * 70000}), "exceeds the 65536-byte limit"),
])
def test_bad_messages_keep_the_socket_open(backend, message, fragment):
    async def scenario():
        alice, _ = await join(backend, "alice")
        start = len(alice.messages)
        await alice.send(message)
        error = await alice.wait_type("error", start=start)
        assert error["code"] == "bad_message", error
        assert fragment in error["message"], error
        ident = json.loads(message).get("id") if message.startswith("{") and '"id"' in message else None
        if ident:
            assert error.get("ref") == ident
        await alice.ping()
        await alice.close()

    asyncio.run(scenario())


def test_binary_message_is_bad_message(backend):
    async def scenario():
        alice, _ = await join(backend, "alice")
        await alice.send(b"\x00\x01")
        error = await alice.wait_type("error")
        assert error["code"] == "bad_message"
        await alice.ping()
        await alice.close()

    asyncio.run(scenario())


def test_unknown_type_keeps_the_socket_open(backend):
    async def scenario():
        alice, _ = await join(backend, "alice")
        reply = await alice.request({"type": "teleport"}, "teleport")
        assert reply["type"] == "error" and reply["code"] == "unknown_type"
        await alice.ping()
        await alice.close()

    asyncio.run(scenario())


def test_missing_grants_refuse_one_action(backend):
    async def scenario():
        token = mint(identity="viewer", extra={"grants": {"publish": False, "chat": False}})
        viewer = await Client.connect(backend.ws_url(token))
        joined = await viewer.wait_type("joined")
        assert joined["participant"]["grants"] == {"publish": False, "subscribe": True, "chat": False, "admin": False}
        pc = new_peer_connection()
        pc.addTrack(AudioStreamTrack())
        await pc.setLocalDescription(await pc.createOffer())
        reply = await viewer.request({"type": "offer", "target": "publisher", "sdp": pc.localDescription.sdp}, "answer")
        assert reply["type"] == "error" and reply["code"] == "not_allowed"
        reply = await viewer.request({"type": "chat", "text": "hello"}, "chat")
        assert reply["type"] == "error" and reply["code"] == "not_allowed"
        await viewer.ping()
        await pc.close()
        nosub = await Client.connect(backend.ws_url(mint(identity="blind", extra={"grants": {"subscribe": False}})))
        await nosub.wait_type("joined")
        reply = await nosub.request({"type": "subscribe", "trackIds": ["TR_x"], "subscribed": True}, "offer")
        assert reply["type"] == "error" and reply["code"] == "not_allowed"
        await nosub.ping()
        await viewer.close()
        await nosub.close()

    asyncio.run(scenario())


def test_sdp_invalid(backend):
    async def scenario():
        alice, _ = await join(backend, "alice")
        reply = await alice.request({"type": "offer", "target": "publisher", "sdp": "this is not sdp"}, "answer")
        assert reply["type"] == "error" and reply["code"] == "sdp_invalid", reply
        await alice.ping()
        await alice.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("token, code", [
    (mint(ttl=-60), "token_expired"),
    (mint(secret="a-completely-different-secret-of-32b"), "token_invalid"),
    (mint(alg="none"), "token_invalid"),
    (mint(drop=("room",)), "token_invalid"),
    (mint(extra={"room": "bad room!"}), "token_invalid"),
    ("garbage", "token_invalid"),
    ("", "token_missing"),
])
def test_bad_tokens_get_401_and_no_upgrade(backend, token, code):
    async def scenario():
        status, body = await rejection(backend.ws_url(token))
        assert status == 401
        assert body["error"]["code"] == code, body
        assert body["error"]["message"]
        if code == "token_expired":
            assert "token expired at" in body["error"]["message"]

    asyncio.run(scenario())
    status, body = backend.get(f"/v1/rtc/validate?access_token={token}")
    assert status == 401 and body["error"]["code"] == code
    status, body = backend.get(f"/v1/rtc?access_token={token}")
    assert status == 401 and body["error"]["code"] == code


def test_validate_and_bearer_header(backend):
    token = mint()
    assert backend.get(f"/v1/rtc/validate?access_token={token}") == (200, {"ok": True})
    assert backend.get("/v1/rtc/validate", headers={"Authorization": f"Bearer {token}"}) == (200, {"ok": True})
    # Thirty seconds of leeway on exp.
    assert backend.get(f"/v1/rtc/validate?access_token={mint(ttl=-20)}")[0] == 200


def test_http_routes(backend, sfu):
    assert backend.get("/healthz") == (200, {"status": "ok"})
    status, regions = backend.get("/v1/regions")
    assert status == 200
    test_region = next(r for r in regions if r["id"] == "test")
    assert test_region["nodes"] == [{"id": sfu.node_id, "healthy": True, "load": 0}]
    catalog = next(r for r in regions if r["id"] == "eu-central")
    assert set(catalog["location"]) == {"lat", "lon"} and catalog["name"] == "Frankfurt"
    status, text = backend.get("/metrics")
    assert status == 200 and "edgemesh_backend_connections" in text
    status, body = backend.post("/v1/dev/token", {"room": "r1", "identity": "dev", "name": "Dev"})
    assert status == 200 and body["token"].count(".") == 2
    assert backend.get(f"/v1/rtc/validate?access_token={body['token']}") == (200, {"ok": True})
    status, body = backend.post("/v1/dev/token", {"room": "bad room", "identity": "dev"})
    assert status == 400 and body["error"]["code"] == "bad_message"


def test_dev_token_is_404_outside_dev_mode(sfu):
    process = BackendProcess(sfu_addrs=[f"127.0.0.1:{sfu.grpc_port}"], dev_mode=False)
    try:
        status, _ = process.post("/v1/dev/token", {"room": "r", "identity": "i"})
        assert status == 404
    finally:
        process.stop()


def test_rate_limited_keeps_the_socket_open(sfu):
    process = BackendProcess(sfu_addrs=[f"127.0.0.1:{sfu.grpc_port}"], args=["--rate-limit", "5", "--rate-burst", "5"])

    async def scenario():
        alice, _ = await join(process, "alice")
        for i in range(20):
            await alice.send({"type": "ping", "ts": i, "id": f"p{i}"})
        await alice.wait_type("error", code="rate_limited")
        limited = [m for m in alice.messages if m.get("code") == "rate_limited"]
        assert limited and all(m["ref"].startswith("p") for m in limited)
        assert len(alice.of_type("pong")) + len(limited) <= 20
        await asyncio.sleep(1.2)
        await alice.ping()
        await alice.close()

    try:
        asyncio.run(scenario())
    finally:
        process.stop()


def test_no_sfu_available(tmp_path):
    from conftest import free_port
    process = BackendProcess(sfu_addrs=[f"127.0.0.1:{free_port()}"])

    async def scenario():
        client = await Client.connect(process.ws_url(mint()))
        error = await client.wait_type("error")
        assert error["code"] == "no_sfu_available"
        assert client.messages[0] is error
        await client.wait_closed(10)

    try:
        asyncio.run(scenario())
    finally:
        process.stop()


def test_idle_socket_is_closed(sfu):
    process = BackendProcess(sfu_addrs=[f"127.0.0.1:{sfu.grpc_port}"], args=["--idle-timeout", "2"])

    async def scenario():
        idle, _ = await join(process, "idle")
        busy, _ = await join(process, "busy")
        for _ in range(6):
            await busy.ping()
            await asyncio.sleep(0.5)
        await idle.wait_closed(5)
        assert not busy.closed.is_set()
        await busy.ping()
        await busy.close()

    try:
        asyncio.run(scenario())
    finally:
        process.stop()


def test_same_identity_replaces_the_older_connection(backend):
    async def scenario():
        first, joined_1 = await join(backend, "alice")
        watcher, _ = await join(backend, "bob")
        second, joined_2 = await join(backend, "alice")
        error = await first.wait_type("error")
        assert error["code"] == "duplicate_identity"
        await first.wait_closed(10)
        assert [p["identity"] for p in joined_2["participants"]] == ["bob"]
        await watcher.wait_type("participant_left", participantId=joined_1["participant"]["id"])
        await second.ping()
        await watcher.close()
        await second.close()

    asyncio.run(scenario())


def test_cross_node_subscription_is_a_clear_error():
    east = SFUProcess(region="us-east", node_id="east-1")
    west = SFUProcess(region="us-west", node_id="west-1")
    process = BackendProcess(sfu_addrs=[f"127.0.0.1:{east.grpc_port}", f"127.0.0.1:{west.grpc_port}"])

    async def scenario():
        alice, joined_a = await join(process, "alice", rtt="us-east:10,us-west:80")
        bob, joined_b = await join(process, "bob", rtt="us-east:90,us-west:12")
        assert joined_a["sfu"]["node"] == "east-1" and joined_a["sfu"]["region"] == "us-east"
        assert joined_b["sfu"]["node"] == "west-1" and joined_b["sfu"]["regionName"] == "Oregon"
        publisher, _ = await publish(alice, kinds=("audio",))
        published = await bob.wait_type("track_published")
        assert published["track"]["region"] == "us-east"
        error = await bob.wait_type("error", code="cross_node_unsupported")
        assert published["track"]["id"] in error["message"]
        await bob.ping()
        await publisher.close()
        await alice.close()
        await bob.close()

    try:
        asyncio.run(scenario())
        metrics = process.metrics()
        assert metrics['edgemesh_region_assignments_total{region="us-east",reason="rtt"}'] == 1
        assert metrics['edgemesh_region_assignments_total{region="us-west",reason="rtt"}'] == 1
    finally:
        process.stop()
        east.stop()
        west.stop()


class ToneTrack(AudioStreamTrack):
    """A loud 440 Hz tone (aiortc sends its RFC 6464 level), so the SFU hears a speaker."""

    async def recv(self):
        import fractions

        import numpy
        from av import AudioFrame
        frame = await super().recv()
        samples = frame.samples
        start = getattr(self, "_t", 0)
        t = (numpy.arange(samples) + start) / frame.sample_rate
        self._t = start + samples
        tone = (numpy.sin(2 * numpy.pi * 440 * t) * 20000).astype(numpy.int16)
        layout_channels = len(frame.layout.channels)
        data = numpy.repeat(tone, layout_channels).reshape(1, -1)
        out = AudioFrame.from_ndarray(data, format="s16", layout=frame.layout.name)
        out.sample_rate = frame.sample_rate
        out.pts = frame.pts
        out.time_base = frame.time_base or fractions.Fraction(1, frame.sample_rate)
        return out


def test_active_speakers_are_relayed(backend):
    async def scenario():
        alice, joined_a = await join(backend, "alice")
        bob, _ = await join(backend, "bob")
        pc = new_peer_connection()
        pc.addTrack(ToneTrack())
        await pc.setLocalDescription(await pc.createOffer())
        answer = await alice.request({"type": "offer", "target": "publisher", "sdp": pc.localDescription.sdp}, "answer")
        await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
        speakers = await bob.wait_type("active_speakers", timeout=20)
        assert speakers["speakers"][0]["participantId"] == joined_a["participant"]["id"]
        assert 0 < speakers["speakers"][0]["level"] <= 1
        await pc.close()
        await alice.close()
        await bob.close()

    asyncio.run(scenario())


def test_sfu_failure_is_internal_and_keeps_the_socket(sfu):
    node = SFUProcess(region="test", node_id="short-lived")
    process = BackendProcess(sfu_addrs=[f"127.0.0.1:{node.grpc_port}"])

    async def scenario():
        alice, _ = await join(process, "alice")
        node.stop()
        pc = new_peer_connection()
        pc.addTrack(AudioStreamTrack())
        await pc.setLocalDescription(await pc.createOffer())
        reply = await alice.request({"type": "offer", "target": "publisher", "sdp": pc.localDescription.sdp}, "answer", 15)
        assert reply["type"] == "error" and reply["code"] == "internal", reply
        await alice.ping()
        await pc.close()
        await alice.close()

    try:
        asyncio.run(scenario())
    finally:
        process.stop()
        node.stop()


def test_short_secret_refuses_to_start_and_token_command_mints():
    import os
    import subprocess

    from backend_helpers import SECRET
    from conftest import edgemesh_bin
    env = {**os.environ, "JWT_SECRET": "x" * 31}
    result = subprocess.run([edgemesh_bin(), "backend", "--port", "0"], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "JWT_SECRET is 31 bytes; at least 32" in result.stderr
    assert "x" * 31 not in result.stderr + result.stdout
    env = {k: v for k, v in os.environ.items() if k != "JWT_SECRET"}
    result = subprocess.run([edgemesh_bin(), "backend"], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "JWT_SECRET is required" in result.stderr

    minted = subprocess.run([edgemesh_bin(), "token", "--room", "r1", "--identity", "carol", "--ttl", "90s",
                             "--grants", "subscribe,chat"],
                            env={**os.environ, "JWT_SECRET": SECRET}, capture_output=True, text=True, timeout=30, check=True)
    token = minted.stdout.strip()
    import base64
    import json as js
    import time
    payload = js.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert payload["sub"] == "carol" and payload["room"] == "r1"
    assert 80 <= payload["exp"] - time.time() <= 95
    assert payload["grants"] == {"publish": False, "subscribe": True, "chat": True, "admin": False}


def test_token_from_the_cli_is_accepted(backend):
    import os
    import subprocess

    from backend_helpers import SECRET
    from conftest import edgemesh_bin
    token = subprocess.run([edgemesh_bin(), "token", "--room", "room", "--identity", "cli"],
                           env={**os.environ, "JWT_SECRET": SECRET}, capture_output=True, text=True, timeout=30,
                           check=True).stdout.strip()
    assert backend.get(f"/v1/rtc/validate?access_token={token}") == (200, {"ok": True})
