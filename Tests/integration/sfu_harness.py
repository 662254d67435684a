"""Helpers for the SFU robustness and lifecycle tests: aiortc publish/subscribe
against one node, a WatchEvents reader, a UDP relay that can tamper with or
silence a peer's path, hand-built STUN requests, /proc and /metrics readers."""
import asyncio
import collections
import hashlib
import hmac
import os
import re
import struct
import threading
import time
import zlib

import grpc
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection

from peers import (AudioStreamTrack, MovingVideoTrack, RTCSessionDescription, Subscriber,
                   new_peer_connection, wait_for)
from udp_relay import UDPRelay, is_rtp

# MARK: - aiortc peers through the gRPC API


async def publish(stub, pb, room, participant, *, video=True, audio=True, relay=None,
                  munge_offer=None, connect=True):
    """CreateParticipant + Publish an aiortc offer. With `relay`, the peer
    reaches the SFU through it (the answer's candidate port is rewritten).
    `munge_offer` edits the offer SDP before it goes to the SFU. Without
    `connect` the answer is not applied (no ICE/DTLS from the peer)."""
    stub.CreateParticipant(pb.CreateParticipantRequest(room=room, participant_id=participant))
    pc = new_peer_connection()
    if video:
        pc.addTrack(MovingVideoTrack())
    if audio:
        pc.addTrack(AudioStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    offer = pc.localDescription.sdp
    if munge_offer:
        offer = munge_offer(offer)
    reply = stub.Publish(pb.PublishRequest(room=room, participant_id=participant, offer_sdp=offer))
    if connect:
        answer = reply.answer_sdp
        if relay is not None:
            answer = relay.rewrite(answer)
        await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
    return pc, reply


class BundledSubscriber(Subscriber):
    """A Subscriber whose peer connection uses the max-bundle policy. With
    aiortc's default ("balanced"), answering an offer with two or more
    sections of a kind leaves every further section of the kind that is not
    the first section's kind on a transport BUNDLE discarded (aiortc 1.16,
    RTCPeerConnection.__createTransceiver marks it bundled to a transport
    that is then replaced): it never receives anything."""

    def __init__(self):  # noqa: D107 - same attributes as Subscriber
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
        self.video_frames = 0
        self.audio_frames = 0
        self.video_sizes = []
        self.tasks = []
        self.frames_by_track = collections.Counter()
        self.pc.on("track", self._on_track)

    async def _consume(self, track):
        while True:
            try:
                frame = await track.recv()
            except Exception:  # noqa: BLE001 - track ended
                return
            self.frames_by_track[track.id] += 1
            if track.kind == "video":
                self.video_frames += 1
                self.video_sizes.append((frame.width, frame.height))
            else:
                self.audio_frames += 1


async def subscribe(stub, pb, room, participant, track_ids, *, relay=None, create=True):
    """(CreateParticipant +) Subscribe + server offer + aiortc answer; returns a Subscriber."""
    if create:
        stub.CreateParticipant(pb.CreateParticipantRequest(room=room, participant_id=participant))
    stub.Subscribe(pb.SubscribeRequest(room=room, participant_id=participant, track_ids=track_ids,
                                       quality=pb.QUALITY_HIGH))
    sub = BundledSubscriber()
    offer = stub.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=room, participant_id=participant))
    sdp = offer.offer_sdp if relay is None else relay.rewrite(offer.offer_sdp)
    await sub.pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
    await sub.pc.setLocalDescription(await sub.pc.createAnswer())
    stub.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(room=room, participant_id=participant,
                                                           answer_sdp=sub.pc.localDescription.sdp))
    return sub


def ice_credentials(sdp):
    """The first a=ice-ufrag / a=ice-pwd of an SDP."""
    ufrag = re.search(r"^a=ice-ufrag:(\S+)", sdp, re.M).group(1)
    pwd = re.search(r"^a=ice-pwd:(\S+)", sdp, re.M).group(1)
    return ufrag, pwd


def corrupt_fingerprints(sdp):
    """Flips the first hex digit of every a=fingerprint (all hash algorithms)."""
    def flip(match):
        value = match.group(2)
        first = "0" if value[0] != "0" else "1"
        return f"{match.group(1)}{first}{value[1:]}"
    out, count = re.subn(r"^(a=fingerprint:\S+ )(\S+)", flip, sdp, flags=re.M)
    assert count >= 1, "offer has no a=fingerprint"
    return out


# MARK: - WatchEvents


class EventWatcher:
    """Reads the node's WatchEvents stream on a thread; keeps (monotonic time, event)."""

    def __init__(self, stub, pb):
        self.pb = pb
        self.call = stub.WatchEvents(pb.WatchEventsRequest())
        self.events = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for event in self.call:
                with self.lock:
                    self.events.append((time.monotonic(), event))
        except grpc.RpcError:
            return

    def find(self, kind, **fields):
        """Events of `kind` ("transport_failed", ...) whose fields equal `fields`: [(time, message)]."""
        with self.lock:
            snapshot = list(self.events)
        found = []
        for at, event in snapshot:
            if event.WhichOneof("event") != kind:
                continue
            message = getattr(event, kind)
            if all(getattr(message, k) == v for k, v in fields.items()):
                found.append((at, message))
        return found

    async def synchronise(self, stub, room):
        """Returns once the stream is live: publishes probe offers in `room`
        until their track_published event is seen, then closes the probe."""
        deadline = time.monotonic() + 10
        attempt = 0
        while time.monotonic() < deadline:
            attempt += 1
            probe = f"probe-{attempt}"
            pc, _ = await publish(stub, self.pb, room, probe, video=False, connect=False)
            await pc.close()
            seen = time.monotonic() + 1
            while time.monotonic() < seen:
                if self.find("track_published"):
                    stub.CloseParticipant(self.pb.CloseParticipantRequest(room=room, participant_id=probe))
                    return
                await asyncio.sleep(0.02)
            stub.CloseParticipant(self.pb.CloseParticipantRequest(room=room, participant_id=probe))
        raise AssertionError("WatchEvents stream delivered nothing within 10 s")

    def close(self):
        self.call.cancel()
        self.thread.join(timeout=2)


# MARK: - a relay that can tamper with or silence one peer's path


class TamperingRelay(UDPRelay):
    """Sits between one WebRTC peer and the SFU on loopback. The SFU sees the
    relay's back socket as the peer's address, so `send_as_peer` injects
    datagrams from the peer's real (nominated) address."""

    def __init__(self, target_port):
        super().__init__(target_port)
        self.silenced = False
        self.last_stun_upstream = None
        self.rtp_upstream = 0
        self.tamper_pending = 0
        self.bad_tags_sent = 0
        self.replays_sent = 0
        # When each datagram from the SFU arrived (also while silenced).
        self.downstream_times = []
        self.lock = threading.Lock()
        self.start()

    def silence(self):
        """From now on nothing passes in either direction (the peer 'vanishes')."""
        self.silenced = True

    def tamper(self, count):
        """For each of the next `count` RTP packets from the peer, send first a
        copy with its last byte (auth tag) flipped, then the packet, then the
        packet again (a replay)."""
        with self.lock:
            self.tamper_pending += count

    def received_from_sfu_after(self, moment):
        """How many datagrams the SFU sent towards the peer after `moment` (monotonic)."""
        return sum(1 for t in list(self.downstream_times) if t > moment)

    def send_as_peer(self, data):
        self.back.sendto(data, self.target)

    def upstream(self, data):
        if self.silenced:
            return []
        if data and data[0] <= 3:
            self.last_stun_upstream = time.monotonic()
        if not is_rtp(data):
            return [data]
        self.rtp_upstream += 1
        with self.lock:
            if self.tamper_pending <= 0 or len(data) <= 20:
                return [data]
            self.tamper_pending -= 1
        self.bad_tags_sent += 1
        self.replays_sent += 1
        return [data[:-1] + bytes([data[-1] ^ 0x01]), data, data]

    def downstream(self, data):
        self.downstream_times.append(time.monotonic())
        return not self.silenced


# MARK: - STUN (RFC 8489) built by hand

MAGIC_COOKIE = 0x2112A442


def _attribute(kind, value):
    padding = b"\x00" * (-len(value) % 4)
    return struct.pack("!HH", kind, len(value)) + value + padding


def stun_binding_request(username, password, *, transaction_id=None, use_candidate=False):
    """A Binding request as an ICE agent sends it (RFC 8445 §7.1.2): USERNAME,
    PRIORITY, ICE-CONTROLLING, [USE-CANDIDATE], MESSAGE-INTEGRITY (HMAC-SHA1
    keyed with `password`, RFC 8489 §14.5) and FINGERPRINT (§14.7)."""
    transaction_id = transaction_id or os.urandom(12)
    body = _attribute(0x0006, username.encode())
    body += _attribute(0x0024, struct.pack("!I", 0x6E7F1EFF))
    body += _attribute(0x802A, os.urandom(8))
    if use_candidate:
        body += _attribute(0x0025, b"")

    def header(length):
        return struct.pack("!HHI", 0x0001, length, MAGIC_COOKIE) + transaction_id

    # MESSAGE-INTEGRITY: HMAC over the message up to (excluding) the attribute,
    # with the header length already counting it (24 bytes).
    length = len(body) + 24
    mac = hmac.new(password.encode(), header(length) + body, hashlib.sha1).digest()
    body += _attribute(0x0008, mac)
    # FINGERPRINT: CRC-32 of everything before it, header length counting it (8 bytes), XOR 0x5354554E.
    length = len(body) + 8
    crc = (zlib.crc32(header(length) + body) ^ 0x5354554E) & 0xFFFFFFFF
    body += _attribute(0x8028, struct.pack("!I", crc))
    return header(len(body)) + body


def is_binding_success(datagram, transaction_id):
    return len(datagram) >= 20 and datagram[:2] == b"\x01\x01" and datagram[8:20] == transaction_id


# MARK: - process and metrics readers


def drops(metrics):
    """{reason: count} from edgemesh_sfu_drops_total."""
    out = {}
    for name, value in metrics.items():
        if name.startswith("edgemesh_sfu_drops_total{"):
            reason = re.search(r'reason="([^"]+)"', name).group(1)
            out[reason] = out.get(reason, 0) + value
    return out


def metric(metrics, prefix):
    return sum(v for k, v in metrics.items() if k == prefix or k.startswith(prefix + "{"))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


__all__ = ["publish", "subscribe", "ice_credentials", "corrupt_fingerprints", "EventWatcher",
           "TamperingRelay", "stun_binding_request", "is_binding_success", "drops", "metric",
           "rss_kib", "fd_count", "wait_for", "AudioStreamTrack"]
