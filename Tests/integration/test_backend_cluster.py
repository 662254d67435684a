"""Region choice with MaxMind's test database, and several backends sharing
one Redis: a room served by two backend instances, one SFU."""
import asyncio
import os
import uuid

import pytest

from backend_helpers import BackendProcess, Client, RedisProcess, geoip_test_db, mint
from conftest import SFUProcess
from peers import AudioStreamTrack, RTCSessionDescription, Subscriber, new_peer_connection

LONDON = "81.2.69.142"  # GeoIP2-City-Test: London, GB
MILTON = "216.160.83.56"  # GeoIP2-City-Test: Milton, WA, US

REGIONS = {
    "eu-central": "id: eu-central\nname: Frankfurt\nlocation: { lat: 50.11, lon: 8.68 }\n",
    "us-west": "id: us-west\nname: Oregon\nlocation: { lat: 45.6, lon: -121.18 }\n",
}


async def joined_via(backend, identity, forwarded_for=None, room="geo", **params):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    client = await Client.connect(backend.ws_url(mint(room=room, identity=identity), **params), additional_headers=headers)
    joined = await client.wait_type("joined")
    await client.close()
    return joined["sfu"]


def test_region_choice_with_geoip_trusted_proxy_and_leases(tmp_path):
    db = geoip_test_db()
    if db is None:
        pytest.skip("GeoIP2-City-Test.mmdb is not available (devops/fetch-test-data)")
    for name, text in REGIONS.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    eu = SFUProcess(region="eu-central", node_id="eu-1")
    us = SFUProcess(region="us-west", node_id="usw-1")
    addrs = [f"127.0.0.1:{eu.grpc_port}", f"127.0.0.1:{us.grpc_port}"]
    common = {"GEOIP_DB": db, "REGIONS_DIR": str(tmp_path), "DEFAULT_REGION": "us-west"}
    trusting = BackendProcess(sfu_addrs=addrs, env={**common, "TRUSTED_PROXIES": "127.0.0.1/32"})
    untrusting = BackendProcess(sfu_addrs=addrs, env=common)

    async def scenario():
        london = await joined_via(trusting, "london", LONDON)
        assert london == {"node": "eu-1", "region": "eu-central", "regionName": "Frankfurt", "reason": "geoip"}
        milton = await joined_via(trusting, "milton", f"{LONDON}, {MILTON}")  # rightmost untrusted hop
        assert milton["node"] == "usw-1"
        # RTT hints outrank GeoIP.
        hinted = await joined_via(trusting, "hinted", LONDON, rtt="us-west:20,eu-central:140")
        assert hinted["node"] == "usw-1" and hinted["reason"] == "rtt"
        # An address the database does not know goes to DEFAULT_REGION.
        unknown = await joined_via(trusting, "unknown", "10.1.2.3")
        assert unknown["region"] == "us-west" and unknown["reason"] == "default"
        # X-Forwarded-For from a peer that is not a trusted proxy is ignored: 127.0.0.1 → default.
        ignored = await joined_via(untrusting, "spoofer", LONDON)
        assert ignored["region"] == "us-west"

    try:
        asyncio.run(scenario())
        metrics = trusting.metrics()
        assert metrics['edgemesh_region_assignments_total{region="eu-central",reason="geoip"}'] == 1
        assert metrics['edgemesh_region_assignments_total{region="us-west",reason="geoip"}'] == 1
        assert metrics['edgemesh_region_assignments_total{region="us-west",reason="rtt"}'] == 1
        assert metrics['edgemesh_region_assignments_total{region="us-west",reason="default"}'] == 1
        # The only Frankfurt node stops: London goes to Oregon (the failed node is suspended at once,
        # and its health lapses 6 s after its last answer; the registry-lease case is a unit test).
        eu.stop()

        async def after_lease():
            deadline = asyncio.get_event_loop().time() + 20
            while True:
                sfu = await joined_via(trusting, f"london-{uuid.uuid4().hex[:4]}", LONDON)
                if sfu["region"] == "us-west":
                    return
                assert asyncio.get_event_loop().time() < deadline, "eu-central was still chosen 20 s after its node stopped"
                await asyncio.sleep(1)

        asyncio.run(after_lease())
        status, regions = trusting.get("/v1/regions")
        frankfurt = next(r for r in regions if r["id"] == "eu-central")
        assert frankfurt["nodes"] == [{"id": "eu-1", "healthy": False, "load": 0}] or frankfurt["nodes"][0]["healthy"] is False
    finally:
        trusting.stop()
        untrusting.stop()
        eu.stop()
        us.stop()


@pytest.fixture
def redis_addr():
    shared = os.environ.get("EDGEMESH_TEST_REDIS_ADDR")
    if shared:
        yield shared
        return
    server = RedisProcess()
    yield server.address
    server.stop()


def test_two_backends_share_a_room_through_redis(sfu, redis_addr):
    addrs = [f"127.0.0.1:{sfu.grpc_port}"]
    prefix = {"EDGEMESH_KEY_PREFIX": f"t{uuid.uuid4().hex[:6]}"}
    one = BackendProcess(sfu_addrs=addrs, redis_addr=redis_addr, env=prefix, name="backend-one")
    two = BackendProcess(sfu_addrs=addrs, redis_addr=redis_addr, env=prefix, name="backend-two")
    room = f"shared-{uuid.uuid4().hex[:6]}"

    async def scenario():
        alice = await Client.connect(one.ws_url(mint(room=room, identity="alice")))
        joined_a = await alice.wait_type("joined")
        bob = await Client.connect(two.ws_url(mint(room=room, identity="bob")))
        joined_b = await bob.wait_type("joined")
        assert [p["identity"] for p in joined_b["participants"]] == ["alice"]
        await alice.wait_type("participant_joined", timeout=10)

        # Alice publishes through backend one; bob, on backend two, learns of it and gets an offer.
        pc = new_peer_connection()
        pc.addTrack(AudioStreamTrack())
        await pc.setLocalDescription(await pc.createOffer())
        answer = await alice.request({"type": "offer", "target": "publisher", "sdp": pc.localDescription.sdp}, "answer")
        assert answer["type"] == "answer", answer
        await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
        published = await bob.wait_type("track_published", timeout=10)
        assert published["track"]["participantId"] == joined_a["participant"]["id"]
        offer = await bob.wait_type("offer", timeout=15)
        subscriber = Subscriber()
        await subscriber.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
        await subscriber.pc.setLocalDescription(await subscriber.pc.createAnswer())
        await bob.send({"type": "answer", "target": "subscriber", "sdp": subscriber.pc.localDescription.sdp})

        # Chat both ways, same order everywhere, ref only to the sender.
        await alice.send({"type": "chat", "text": "from one", "id": "a1"})
        await bob.wait_type("chat", text="from one")
        await bob.send({"type": "chat", "text": "from two", "id": "b1"})
        for client in (alice, bob):
            await client.wait_for(lambda m, c=client: len(c.of_type("chat")) >= 2, 10, "two chats")
        assert [m["text"] for m in alice.of_type("chat")] == [m["text"] for m in bob.of_type("chat")]
        assert alice.of_type("chat")[0]["ref"] == "a1" and "ref" not in bob.of_type("chat")[0]

        # A late joiner on backend two gets the history written through backend one.
        carol = await Client.connect(two.ws_url(mint(room=room, identity="carol")))
        joined_c = await carol.wait_type("joined")
        assert sorted(p["identity"] for p in joined_c["participants"]) == ["alice", "bob"]
        await carol.wait_for(lambda m: len(carol.of_type("chat")) >= 2, 10, "history")

        # Stopping backend one disconnects only its own client; the others see alice leave.
        one.stop()
        await alice.wait_closed(15)
        left = await bob.wait_type("participant_left", timeout=15, participantId=joined_a["participant"]["id"])
        assert bob.messages.index(left) > bob.messages.index(published)
        await bob.wait_type("track_unpublished", trackId=published["track"]["id"])
        await bob.ping()
        await carol.ping()
        await subscriber.close()
        await pc.close()
        await bob.close()
        await carol.close()

    try:
        asyncio.run(scenario())
    finally:
        one.stop()
        two.stop()


def test_members_of_a_killed_backend_are_removed_on_the_next_join(sfu, redis_addr):
    addrs = [f"127.0.0.1:{sfu.grpc_port}"]
    prefix = {"EDGEMESH_KEY_PREFIX": f"t{uuid.uuid4().hex[:6]}"}
    doomed = BackendProcess(sfu_addrs=addrs, redis_addr=redis_addr, env=prefix, name="backend-doomed")
    survivor = BackendProcess(sfu_addrs=addrs, redis_addr=redis_addr, env=prefix, name="backend-survivor")
    room = f"ghost-{uuid.uuid4().hex[:6]}"

    async def scenario():
        alice = await Client.connect(doomed.ws_url(mint(room=room, identity="alice")))
        joined_a = await alice.wait_type("joined")
        bob = await Client.connect(survivor.ws_url(mint(room=room, identity="bob")))
        await bob.wait_type("joined")
        doomed.stop(kill=True)
        await alice.wait_closed(10)
        await bob.ping()
        await asyncio.sleep(7)  # the killed backend's liveness key (6 s) expires
        carol = await Client.connect(survivor.ws_url(mint(room=room, identity="carol")))
        joined_c = await carol.wait_type("joined")
        assert [p["identity"] for p in joined_c["participants"]] == ["bob"]
        await bob.wait_type("participant_left", participantId=joined_a["participant"]["id"])
        await bob.close()
        await carol.close()

    try:
        asyncio.run(scenario())
    finally:
        doomed.stop()
        survivor.stop()
