"""Headless Chromium publishes camera (simulcast) and microphone through a
real SFU node; another Chromium page subscribes and decodes video, and a
quality change switches the received simulcast layer."""

import threading

import grpc
import pytest

from browser import StaticServer, call, chromium
from conftest import wait_until

ROOM = "chromium-room"


@pytest.fixture
def pages():
    server = StaticServer()
    drivers = [chromium(), chromium()]
    for d in drivers:
        d.get(server.url("peer.html"))
    yield drivers
    for d in drivers:
        d.quit()
    server.close()


def test_chromium_simulcast_publish_and_subscribe(sfu, sfu_stub, pages):
    pb, stub = sfu_stub
    publisher, subscriber = pages
    events = []
    stream = stub.WatchEvents(pb.WatchEventsRequest())

    def read_events():
        try:
            for event in stream:
                events.append(event)
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.CANCELLED, error

    reader = threading.Thread(target=read_events, daemon=True)
    reader.start()
    stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="pub"))
    offer = call(publisher, "window.peer.publish(true)")
    reply = stub.Publish(pb.PublishRequest(room=ROOM, participant_id="pub", offer_sdp=offer))
    call(publisher, "window.peer.acceptAnswer(arguments[0])", reply.answer_sdp)
    video = [t for t in reply.tracks if t.kind == pb.TRACK_KIND_VIDEO]
    assert len(video) == 1 and list(video[0].simulcast_rids) == ["q", "h", "f"], reply.tracks

    stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="sub"))
    stub.Subscribe(pb.SubscribeRequest(room=ROOM, participant_id="sub",
                                       track_ids=[t.id for t in reply.tracks], quality=pb.QUALITY_HIGH))
    server_offer = stub.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=ROOM, participant_id="sub"))
    answer = call(subscriber, "window.peer.subscribe(arguments[0])", server_offer.offer_sdp)
    stub.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(room=ROOM, participant_id="sub", answer_sdp=answer))

    def decoded_after(previous):
        stats = call(subscriber, "window.peer.stats()")
        v = stats["video"]
        return v if v and v["framesDecoded"] > previous else None

    first = wait_until(lambda: decoded_after(0), 30, "video frames decoded by the subscriber")
    later = wait_until(lambda: decoded_after(first["framesDecoded"] + 30), 30, "framesDecoded rising")
    high_width = later["frameWidth"]
    assert high_width > 0

    stub.SetQuality(pb.SetQualityRequest(room=ROOM, participant_id="sub", track_id=video[0].id,
                                         quality=pb.QUALITY_LOW))
    low = wait_until(lambda: (lambda v: v if v and 0 < v["frameWidth"] < high_width else None)(
        call(subscriber, "window.peer.stats()")["video"]), 30, "a narrower frame after asking for low quality")
    assert low["frameWidth"] < high_width

    # The fake microphone beeps: its audio level makes the publisher an active speaker.
    wait_until(lambda: any(e.HasField("active_speakers") and any(
        sp.participant_id == "pub" for sp in e.active_speakers.speakers) for e in list(events)),
        20, "an active_speakers event naming the publisher")
    kinds = {e.WhichOneof("event") for e in list(events)}
    assert {"transport_connected", "track_published"} <= kinds, kinds
    stream.cancel()


@pytest.mark.parametrize("codec", ["H264", "VP9", "AV1"])
def test_chromium_single_layer_codecs(sfu, sfu_stub, pages, codec):
    """H.264 is forwarded like VP8; VP9 and AV1 are forwarded single-layer."""
    pb, stub = sfu_stub
    publisher, subscriber = pages
    room = f"codec-{codec.lower()}"
    stub.CreateParticipant(pb.CreateParticipantRequest(room=room, participant_id="pub"))
    offer = call(publisher, "window.peer.publish(false, arguments[0])", codec)
    reply = stub.Publish(pb.PublishRequest(room=room, participant_id="pub", offer_sdp=offer))
    call(publisher, "window.peer.acceptAnswer(arguments[0])", reply.answer_sdp)
    video = [t for t in reply.tracks if t.kind == pb.TRACK_KIND_VIDEO]
    assert len(video) == 1 and video[0].codec.upper() == codec, reply.tracks

    stub.CreateParticipant(pb.CreateParticipantRequest(room=room, participant_id="sub"))
    stub.Subscribe(pb.SubscribeRequest(room=room, participant_id="sub", track_ids=[t.id for t in reply.tracks]))
    server_offer = stub.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=room, participant_id="sub"))
    assert f" {codec}/90000" in server_offer.offer_sdp
    answer = call(subscriber, "window.peer.subscribe(arguments[0])", server_offer.offer_sdp)
    stub.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(room=room, participant_id="sub", answer_sdp=answer))
    wait_until(lambda: (call(subscriber, "window.peer.stats()")["video"] or {}).get("framesDecoded", 0) >= 30,
               30, f"30 {codec} frames decoded by the subscriber")
