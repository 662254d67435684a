"""Loss between publisher and SFU is repaired: a relay drops every tenth RTP
packet from an aiortc publisher; the SFU NACKs, unwraps the RTX
retransmissions and forwards them, so the subscriber sees (almost) no loss."""
import asyncio

from peers import MovingVideoTrack, RTCSessionDescription, Subscriber, new_peer_connection, wait_for
from udp_relay import LossyRelay

ROOM = "nack-room"


def video_inbound(report):
    for stats in report.values():
        if stats.type == "inbound-rtp" and stats.kind == "video":
            return stats
    return None


def test_loss_on_the_publisher_path_is_repaired(sfu, sfu_stub):
    pb, stub = sfu_stub
    relay = LossyRelay(sfu.rtc_port, nth=10)

    async def scenario():
        stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="pub"))
        publisher = new_peer_connection()
        publisher.addTrack(MovingVideoTrack())
        await publisher.setLocalDescription(await publisher.createOffer())
        reply = stub.Publish(pb.PublishRequest(room=ROOM, participant_id="pub",
                                               offer_sdp=publisher.localDescription.sdp))
        # The publisher reaches the SFU only through the lossy relay.
        answer = reply.answer_sdp.replace(f" {sfu.rtc_port} ", f" {relay.port} ")
        assert answer != reply.answer_sdp
        await publisher.setRemoteDescription(RTCSessionDescription(answer, "answer"))

        stub.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="sub"))
        stub.Subscribe(pb.SubscribeRequest(room=ROOM, participant_id="sub", track_ids=[t.id for t in reply.tracks]))
        sub = Subscriber()
        offer = stub.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=ROOM, participant_id="sub"))
        await sub.pc.setRemoteDescription(RTCSessionDescription(offer.offer_sdp, "offer"))
        await sub.pc.setLocalDescription(await sub.pc.createAnswer())
        stub.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(room=ROOM, participant_id="sub",
                                                               answer_sdp=sub.pc.localDescription.sdp))
        try:
            await wait_for(lambda: sub.video_frames >= 60 and relay.dropped >= 20, 60,
                           "60 decoded frames with at least 20 packets dropped on the publisher path")
            # Let the last NACKs complete before reading the receiver's loss.
            await wait_for(lambda: True, 1, "")
            inbound = video_inbound(await sub.pc.getStats())
            assert inbound is not None
            return inbound.packetsReceived, inbound.packetsLost
        finally:
            await sub.close()
            await publisher.close()

    try:
        received, lost = asyncio.run(scenario())
    finally:
        relay.close()
    metrics = sfu.metrics()

    def total(prefix):
        return sum(v for k, v in metrics.items() if k.startswith(prefix))

    dropped_ratio = relay.dropped / max(relay.rtp_seen, 1)
    assert dropped_ratio >= 0.09, (relay.dropped, relay.rtp_seen)
    assert total("edgemesh_sfu_nacks_sent_total") >= relay.dropped // 2, metrics
    assert total("edgemesh_sfu_packets_recovered_total") >= relay.dropped // 2, metrics
    # Without repair the subscriber would miss about 10% of the video packets.
    assert lost <= 0.02 * (received + lost), (received, lost, relay.dropped)
