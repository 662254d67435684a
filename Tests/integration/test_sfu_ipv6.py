"""IPv6 media: the SFU offers an IPv6 host candidate when given --bind6 (a
second media socket) or when its one media socket is bound to an IPv6
address (--bind ::1), and a peer that has only an IPv6 address publishes and
receives through it."""
import asyncio

import aioice.ice

from conftest import SFUProcess, generated_stubs
from peers import MovingVideoTrack, RTCSessionDescription, Subscriber, new_peer_connection, wait_for

ROOM = "v6-room"


def publish_and_receive_over_ipv6(monkeypatch, sfu, expect_ipv4_candidate):
    """A ::1-only publisher and subscriber through `sfu`: 20 frames arrive."""
    import grpc
    pb, grpc_pb = generated_stubs()
    channel = grpc.insecure_channel(f"{sfu.address}:{sfu.grpc_port}")
    stub = grpc_pb.SFUStub(channel)
    # These peers gather only ::1, so only the IPv6 candidate can connect.
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4=True, use_ipv6=True: ["::1"])

    async def scenario():
        stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="pub"))
        publisher = new_peer_connection()
        publisher.addTrack(MovingVideoTrack())
        await publisher.setLocalDescription(await publisher.createOffer())
        reply = stub.Publish(pb.PublishRequest(room=ROOM, participant_id="pub", offer_sdp=publisher.localDescription.sdp))
        assert " ::1 " in reply.answer_sdp, reply.answer_sdp
        assert (" 127.0.0.1 " in reply.answer_sdp) == expect_ipv4_candidate, reply.answer_sdp
        await publisher.setRemoteDescription(RTCSessionDescription(reply.answer_sdp, "answer"))
        stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="sub"))
        stub.Subscribe(pb.SubscribeRequest(room=ROOM, participant_id="sub", track_ids=[t.id for t in reply.tracks]))
        sub = Subscriber()
        offer = stub.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=ROOM, participant_id="sub"))
        await sub.pc.setRemoteDescription(RTCSessionDescription(offer.offer_sdp, "offer"))
        await sub.pc.setLocalDescription(await sub.pc.createAnswer())
        stub.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(room=ROOM, participant_id="sub",
                                                               answer_sdp=sub.pc.localDescription.sdp))
        try:
            await wait_for(lambda: sub.video_frames >= 20, 30, "20 frames over IPv6")
        finally:
            await sub.close()
            await publisher.close()

    try:
        asyncio.run(scenario())
        assert sfu.proc.poll() is None
    finally:
        channel.close()
        sfu.stop()


def test_ipv6_only_peers(monkeypatch):
    publish_and_receive_over_ipv6(monkeypatch, SFUProcess(extra_args=["--bind6", "::1"]), expect_ipv4_candidate=True)


def test_media_socket_bound_to_an_ipv6_address(monkeypatch):
    # One socket, bound to ::1: it is the IPv6 socket (replies go out through it).
    publish_and_receive_over_ipv6(monkeypatch, SFUProcess(bind="::1"), expect_ipv4_candidate=False)
