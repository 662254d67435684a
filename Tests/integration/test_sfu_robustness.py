"""Bad input on the SFU's one UDP port while a real call runs through it: every
bad datagram is dropped and counted under its reason in
edgemesh_sfu_drops_total, the process survives, and the subscriber keeps
decoding video throughout.

The aiortc publisher reaches the SFU through a relay (the SFU sees the relay
as the publisher's nominated address), so tampered and replayed SRTP can be
sent from the publisher's real address."""
import asyncio
import os
import random
import socket
import struct

from sfu_harness import (EventWatcher, TamperingRelay, drops, ice_credentials, is_binding_success,
                         publish, stun_binding_request, subscribe, wait_for)

ROOM = "robust-room"
RANDOM_DATAGRAMS = 3000
BATCH = 250


def expected_reason(datagram):
    """The drop reason of a datagram from an address the SFU does not know,
    by RFC 7983 first-byte class: STUN-class bytes that are no STUN message
    are malformed; DTLS- and RTP-class records have no transport to go to."""
    if not datagram:
        return "malformed"
    first = datagram[0]
    if first <= 3:
        return "malformed"
    if 20 <= first <= 63:
        return "unknown_transport"
    if 128 <= first <= 191:
        return "unknown_transport" if len(datagram) >= 2 else "malformed"
    return "malformed"


def random_datagrams(count, rng):
    """Random datagrams of 0..400 bytes whose first bytes cover all 256 values."""
    out = []
    for i in range(count):
        length = rng.randrange(0, 401) if i % 256 else 1
        body = bytearray(rng.randbytes(length))
        if body:
            body[0] = i % 256
        out.append(bytes(body))
    return out


def dtls_record(content_type, epoch, sequence, body):
    """A DTLS 1.2 record header (RFC 6347 §4.1) + body."""
    return struct.pack("!BHH", content_type, 0xFEFD, epoch) + sequence.to_bytes(6, "big") + \
        struct.pack("!H", len(body)) + body


def test_bad_input_is_dropped_counted_and_media_keeps_flowing(sfu, sfu_stub):
    pb, stub = sfu_stub
    relay = TamperingRelay(sfu.rtc_port)
    watcher = EventWatcher(stub, pb)
    rng = random.Random(7983)
    attacker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    attacker.bind(("127.0.0.1", 0))
    attacker.settimeout(0.5)
    target = ("127.0.0.1", sfu.rtc_port)

    def drops_now():
        return drops(sfu.metrics())

    async def expect_drops(before, expected, what, timeout=15):
        """Waits until every reason in `expected` grew by exactly that many."""
        def grown():
            now = drops_now()
            return {r: now.get(r, 0) - v for r, v in before.items() if now.get(r, 0) != v}

        def reached():
            return all(grown().get(r, 0) >= n for r, n in expected.items())
        try:
            await wait_for(reached, timeout, what)
        finally:
            assert {r: grown().get(r, 0) for r in expected} == expected, (what, grown(), expected)

    async def scenario():
        await watcher.synchronise(stub, "robust-probe")
        publisher, reply = await publish(stub, pb, ROOM, "pub", relay=relay)
        sub = await subscribe(stub, pb, ROOM, "sub", [t.id for t in reply.tracks])
        frames = []

        async def still_decoding(phase):
            """The subscriber decoded more frames than when the last phase ended."""
            floor = frames[-1]
            await wait_for(lambda: sub.video_frames > floor, 5, f"video frames after {phase}")
            frames.append(sub.video_frames)
        try:
            await wait_for(lambda: sub.video_frames >= 15, 45, "the subscriber decoding video")
            frames.append(sub.video_frames)
            sfu_ufrag, sfu_password = ice_credentials(reply.answer_sdp)
            pub_ufrag, _ = ice_credentials(publisher.localDescription.sdp)

            # 1. Random datagrams of every first-byte class from a stranger.
            datagrams = random_datagrams(RANDOM_DATAGRAMS, rng)
            for start in range(0, len(datagrams), BATCH):
                batch = datagrams[start:start + BATCH]
                before = drops_now()
                expected = {"malformed": 0, "unknown_transport": 0}
                for d in batch:
                    expected[expected_reason(d)] += 1
                    attacker.sendto(d, target)
                await expect_drops(before, expected, f"random datagrams {start}..{start + len(batch)}")
            await still_decoding("random datagrams")

            # 2. STUN with the right USERNAME and a wrong MESSAGE-INTEGRITY key.
            # The same request with the right key is answered, so the request
            # is well formed and only the key is wrong.
            username = f"{sfu_ufrag}:{pub_ufrag}"
            before = drops_now()
            for _ in range(5):
                attacker.sendto(stun_binding_request(username, "not-the-password-at-all"), target)
            await expect_drops(before, {"stun_integrity": 5}, "wrong MESSAGE-INTEGRITY")
            transaction = os.urandom(12)
            attacker.sendto(stun_binding_request(username, sfu_password, transaction_id=transaction), target)
            response, _ = attacker.recvfrom(2048)
            assert is_binding_success(response, transaction), response.hex()
            await still_decoding("bad STUN")

            # 3. DTLS records from an address with no transport.
            before = drops_now()
            for seq in range(20):
                hello = dtls_record(22, 0, seq, b"\x01" + rng.randbytes(120))
                data = dtls_record(23, 1, seq, rng.randbytes(64))
                attacker.sendto(hello, target)
                attacker.sendto(data, target)
            await expect_drops(before, {"unknown_transport": 40}, "DTLS from an unknown address")
            await still_decoding("stray DTLS")

            # 4. SRTP from the publisher's own address: a copy with a broken
            # auth tag (sent before the genuine packet) and a replay (after).
            before = drops_now()
            relay.tamper(5)
            await wait_for(lambda: relay.replays_sent >= 5, 10, "the relay tampering with 5 RTP packets")
            await expect_drops(before, {"srtp_auth": 5, "srtp_replay": 5}, "bad tag and replayed SRTP")
            await still_decoding("tampered SRTP")

            # 5. Garbage DTLS-class records from the publisher's own address
            # (after the handshake) must not tear its transport down.
            for seq in range(50):
                relay.send_as_peer(dtls_record(21, 0, 1000 + seq, b"\x02\x28"))  # fatal alert, epoch 0
                relay.send_as_peer(dtls_record(23, 1, 1000 + seq, rng.randbytes(48)))
                relay.send_as_peer(bytes([rng.randrange(20, 64)]) + rng.randbytes(rng.randrange(0, 80)))
            await still_decoding("garbage DTLS from the publisher's address")

            # 6. Garbage RTP- and RTCP-class datagrams from the publisher's own
            # address fail SRTP: each is counted once (auth, replay or malformed).
            before = drops_now()
            for i in range(100):
                second = rng.randrange(0, 256) if i % 2 else rng.randrange(200, 205)
                relay.send_as_peer(bytes([rng.randrange(128, 192), second]) + rng.randbytes(rng.randrange(10, 300)))
            srtp_reasons = ("srtp_auth", "srtp_replay", "malformed")

            def srtp_failures():
                now = drops_now()
                return sum(now.get(r, 0) - before.get(r, 0) for r in srtp_reasons)
            await wait_for(lambda: srtp_failures() >= 100, 15, "100 garbage SRTP datagrams counted")
            assert srtp_failures() == 100, drops_now()
            await still_decoding("garbage from the publisher's address")

            # The call goes on: more frames decoded, nothing failed.
            floor = sub.video_frames
            await wait_for(lambda: sub.video_frames >= floor + 30, 30, "30 more frames after the bad input")
            frames.append(sub.video_frames)
            assert not watcher.find("transport_failed"), watcher.find("transport_failed")
            assert sfu.proc.poll() is None, "the SFU exited"
            return frames
        finally:
            await sub.close()
            await publisher.close()

    try:
        frames = asyncio.run(scenario())
    finally:
        watcher.close()
        relay.close()
        attacker.close()
    # Decoding went on through each phase, not only at the end.
    assert len(frames) == 8 and all(a < b for a, b in zip(frames, frames[1:])), frames
