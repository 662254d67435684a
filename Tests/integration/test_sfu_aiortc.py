"""aiortc publishes audio+video through a real SFU node (driven over gRPC);
two aiortc subscribers decode the video and receive the audio."""
import asyncio

from conftest import generated_stubs
from peers import (AudioStreamTrack, MovingVideoTrack, RTCSessionDescription, Subscriber,
                   new_peer_connection, wait_for)

ROOM = "aiortc-room"


async def publish(stub, pb, participant):
    stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id=participant))
    pc = new_peer_connection()
    pc.addTrack(MovingVideoTrack())
    pc.addTrack(AudioStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    reply = stub.Publish(pb.PublishRequest(room=ROOM, participant_id=participant,
                                           offer_sdp=pc.localDescription.sdp))
    await pc.setRemoteDescription(RTCSessionDescription(reply.answer_sdp, "answer"))
    return pc, list(reply.tracks)


async def subscribe(stub, pb, participant, track_ids):
    stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id=participant))
    stub.Subscribe(pb.SubscribeRequest(room=ROOM, participant_id=participant, track_ids=track_ids,
                                       quality=pb.QUALITY_HIGH))
    sub = Subscriber()
    offer = stub.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=ROOM, participant_id=participant))
    await sub.pc.setRemoteDescription(RTCSessionDescription(offer.offer_sdp, "offer"))
    await sub.pc.setLocalDescription(await sub.pc.createAnswer())
    stub.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(room=ROOM, participant_id=participant,
                                                           answer_sdp=sub.pc.localDescription.sdp))
    return sub


def test_aiortc_publisher_reaches_two_subscribers(sfu, sfu_stub):
    pb, stub = sfu_stub

    async def scenario():
        publisher, tracks = await publish(stub, pb, "alice")
        kinds = sorted(pb.TrackKind.Name(t.kind) for t in tracks)
        assert kinds == ["TRACK_KIND_AUDIO", "TRACK_KIND_VIDEO"], tracks
        ids = [t.id for t in tracks]
        subs = [await subscribe(stub, pb, name, ids) for name in ("bob", "carol")]
        try:
            await wait_for(lambda: all(s.video_frames >= 30 for s in subs), 45, "30 decoded frames at each subscriber")
            await wait_for(lambda: all(s.audio_frames >= 10 for s in subs), 15, "audio at each subscriber")
            assert all(size == (320, 240) for s in subs for size in s.video_sizes[-5:])
        finally:
            for s in subs:
                await s.close()
            await publisher.close()

    asyncio.run(scenario())
    metrics = sfu.metrics()
    forwarded = sum(v for k, v in metrics.items() if k.startswith("edgemesh_sfu_packets_forwarded_total"))
    assert forwarded > 0, metrics


def test_checks_and_dtls_before_the_answer_reaches_the_node(sfu, sfu_stub):
    """A client checks (and starts DTLS) as soon as it has the node's offer;
    its answer reaches the node later, through the backend. The node answers
    those checks at once and keeps the early DTLS flight, so the subscriber
    connects without waiting for retransmissions and nothing is dropped."""
    pb, stub = sfu_stub

    def unknown_transport_drops():
        return sum(v for k, v in sfu.metrics().items()
                   if k.startswith("edgemesh_sfu_drops_total") and 'reason="unknown_transport"' in k)

    async def scenario():
        publisher, tracks = await publish(stub, pb, "early-pub")
        ids = [t.id for t in tracks]
        drops_before = unknown_transport_drops()
        stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="early-sub"))
        stub.Subscribe(pb.SubscribeRequest(room=ROOM, participant_id="early-sub", track_ids=ids,
                                           quality=pb.QUALITY_HIGH))
        sub = Subscriber()
        try:
            offer = stub.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=ROOM, participant_id="early-sub"))
            await sub.pc.setRemoteDescription(RTCSessionDescription(offer.offer_sdp, "offer"))
            await sub.pc.setLocalDescription(await sub.pc.createAnswer())
            # The node has not seen the answer: ICE must still complete.
            await wait_for(lambda: sub.pc.iceConnectionState == "completed", 10,
                           "ICE completed before the node has the answer")
            stub.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(room=ROOM, participant_id="early-sub",
                                                                   answer_sdp=sub.pc.localDescription.sdp))
            await wait_for(lambda: sub.video_frames >= 10, 30, "video at the subscriber")
            assert unknown_transport_drops() == drops_before
        finally:
            await sub.close()
            await publisher.close()

    asyncio.run(scenario())
