"""ICE-TCP (RFC 6544 passive candidates, RFC 4571 framing) on the SFU:
Chromium behind a firewall that drops all its UDP to the SFU publishes and
receives video over TCP, next to a UDP participant (aiortc) in the same room;
garbage on the TCP port is closed and counted while a call goes on."""
import json
import socket
import subprocess
import time

import aioice.ice
import pytest

import peers  # noqa: F401 - patches aioice first; re-patched below
from browser import StaticServer, call, chromium
from conftest import generated_stubs, wait_until
from sfu_tcp_helpers import UDP_PEER_IP, Firewall, LoopThread, fanout_command, metric_sum, start_sfu
from peers import MovingVideoTrack, RTCSessionDescription, Subscriber, new_peer_connection

ROOM = "tcp-room"


@pytest.fixture
def node():
    sfu = start_sfu()
    yield sfu
    alive = sfu.proc.poll() is None
    sfu.stop()
    assert alive, f"the SFU crashed; log: {sfu.log_path}"


@pytest.fixture
def stub(node):
    import grpc
    pb, pb_grpc = generated_stubs()
    channel = grpc.insecure_channel(f"127.0.0.1:{node.grpc_port}")
    yield pb, pb_grpc.SFUStub(channel)
    channel.close()


@pytest.fixture
def udp_blocked(node):
    """Drops every UDP datagram Chromium (127.0.0.1) sends to the SFU's RTC port."""
    wall = Firewall("edgemesh_tcp_test", [
        f"ip saddr 127.0.0.1 ip daddr 127.0.0.1 udp dport {node.rtc_port} counter drop"])
    yield wall
    wall.close()


@pytest.fixture
def aio():
    aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: [UDP_PEER_IP]
    thread = LoopThread()
    yield thread
    thread.close()
    aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]


def test_chromium_over_ice_tcp_with_udp_blocked(node, stub, udp_blocked, aio):
    pb, sfu = stub
    server = StaticServer()
    tcp_pub, tcp_sub = chromium(), chromium()
    for page in (tcp_pub, tcp_sub):
        page.get(server.url("peer.html"))
    state = {}
    try:
        # Chromium (TCP only) publishes.
        sfu.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="tcp"))
        offer = call(tcp_pub, "window.peer.publish(false)")
        reply = sfu.Publish(pb.PublishRequest(room=ROOM, participant_id="tcp", offer_sdp=offer))
        assert " tcp " in reply.answer_sdp and "tcptype passive" in reply.answer_sdp, reply.answer_sdp
        call(tcp_pub, "window.peer.acceptAnswer(arguments[0])", reply.answer_sdp)
        tcp_tracks = [t.id for t in reply.tracks]

        # aiortc (UDP from 127.0.0.2) publishes and subscribes to Chromium's tracks.
        async def udp_participant():
            sfu.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="udp"))
            pc = new_peer_connection()
            pc.addTrack(MovingVideoTrack())
            await pc.setLocalDescription(await pc.createOffer())
            answer = sfu.Publish(pb.PublishRequest(room=ROOM, participant_id="udp", offer_sdp=pc.localDescription.sdp))
            await pc.setRemoteDescription(RTCSessionDescription(answer.answer_sdp, "answer"))
            sfu.Subscribe(pb.SubscribeRequest(room=ROOM, participant_id="udp", track_ids=tcp_tracks))
            sub = Subscriber()
            server_offer = sfu.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=ROOM, participant_id="udp"))
            await sub.pc.setRemoteDescription(RTCSessionDescription(server_offer.offer_sdp, "offer"))
            await sub.pc.setLocalDescription(await sub.pc.createAnswer())
            sfu.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(
                room=ROOM, participant_id="udp", answer_sdp=sub.pc.localDescription.sdp))
            state["pub"], state["sub"] = pc, sub
            return [t.id for t in answer.tracks]

        udp_tracks = aio.run(udp_participant())

        # Chromium (TCP) subscribes to aiortc's video: its subscriber transport is TCP too.
        sfu.Subscribe(pb.SubscribeRequest(room=ROOM, participant_id="tcp", track_ids=udp_tracks))
        server_offer = sfu.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=ROOM, participant_id="tcp"))
        answer = call(tcp_sub, "window.peer.subscribe(arguments[0])", server_offer.offer_sdp)
        sfu.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(room=ROOM, participant_id="tcp", answer_sdp=answer))

        wait_until(lambda: (call(tcp_sub, "window.peer.stats()")["video"] or {}).get("framesDecoded", 0) >= 30,
                   45, "30 frames of the UDP participant's video decoded by Chromium over TCP")
        wait_until(lambda: state["sub"].video_frames >= 30, 45,
                   "30 frames of Chromium's (TCP-published) video decoded by the UDP participant")
        for page in (tcp_pub, tcp_sub):
            path = call(page, "window.peer.path()")
            assert path and path["local"]["protocol"] == "tcp" and path["remote"]["protocol"] == "tcp", path
            assert path["remote"]["port"] == node.rtc_tcp_port and path["remote"]["tcpType"] == "passive", path
        metrics = node.metrics()
        assert metric_sum(metrics, "edgemesh_sfu_selected_paths_total", transport="tcp") >= 2, metrics
        assert metric_sum(metrics, "edgemesh_sfu_selected_paths_total", transport="udp") >= 2, metrics
        assert metric_sum(metrics, "edgemesh_sfu_path_packets_received_total", transport="tcp") > 100
        assert metric_sum(metrics, "edgemesh_sfu_path_packets_sent_total", transport="tcp") >= 30
        assert metric_sum(metrics, "edgemesh_sfu_path_packets_sent_total", transport="udp") > 100
        # The firewall did drop Chromium's UDP checks: TCP was not merely preferred.
        assert "packets 0 " not in udp_blocked.counters(), udp_blocked.counters()
    finally:
        if "sub" in state:
            aio.run(state["sub"].close())
        if "pub" in state:
            aio.run(state["pub"].close())
        for page in (tcp_pub, tcp_sub):
            page.quit()
        server.close()


def _connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.settimeout(5)
    return sock


def _closed_by_server(sock, deadline_s):
    """True once the server closed the connection (EOF or reset) within the deadline."""
    sock.settimeout(deadline_s)
    try:
        while True:
            if sock.recv(4096) == b"":
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_garbage_on_the_tcp_port_is_closed_and_counted(node, stub):
    """Wrong framing, a 64 KiB length, a non-ICE first frame, one byte per
    second and a flood of connections from one address are all closed and
    counted, while a call on the same node (the fan-out peers: 1 publisher,
    2 subscribers) loses nothing."""
    pb, sfu = stub
    port = node.rtc_tcp_port
    call_proc = subprocess.Popen(fanout_command(node, subscribers=2, rate=200, duration=16, warmup=1),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: metric_sum(node.metrics(), "edgemesh_sfu_packets_forwarded_total") > 100, 30,
                   "the concurrent call forwarding")
        # Wrong framing: an HTTP request read as RFC 4571 has LENGTH 0x4745 (18245 > the frame limit).
        http = _connect(port)
        http.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _closed_by_server(http, 5), "an HTTP request on the ICE-TCP port was not closed"
        # A 64 KiB length prefix (0xFFFF) followed by data.
        big = _connect(port)
        big.sendall(b"\xff\xff" + b"\x00" * 4096)
        assert _closed_by_server(big, 5), "a 65535-byte frame length was not refused"
        # A well-framed first frame that is not a binding request for a known transport.
        unbound = _connect(port)
        unbound.sendall(b"\x00\x04\x80\x60\x00\x01")
        assert _closed_by_server(unbound, 5), "a first frame that is not ICE was not refused"
        # Too many connections from one address: the one past the per-IP limit (64) is closed at once.
        flood = [_connect(port) for _ in range(64)]
        extra = _connect(port)
        assert _closed_by_server(extra, 5), "a connection past the per-IP limit was not refused"
        for sock in flood:
            sock.close()
        # One byte per second: never a complete frame; closed by the handshake timeout (10 s).
        slow = _connect(port)
        started = time.monotonic()
        closed = False
        for byte in b"\x00\x50" + b"\x00" * 30:
            try:
                slow.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if _closed_by_server(slow, 1.0):
                closed = True
                break
        elapsed = time.monotonic() - started
        assert closed and elapsed < 16, f"a one-byte-per-second connection stayed open {elapsed:.1f} s"
        out, err = call_proc.communicate(timeout=60)
        assert call_proc.returncode == 0, err[-3000:]
    finally:
        if call_proc.poll() is None:
            call_proc.kill()
            call_proc.wait()
    report = json.loads(out.strip().splitlines()[-1])
    assert report["lossPercent"] == 0 and report["minimumPerSubscriber"] > 1000, report
    metrics = node.metrics()
    closed_by = {reason: metric_sum(metrics, "edgemesh_sfu_tcp_connections_closed_total", reason=reason)
                 for reason in ("framing", "unbound", "handshake_timeout", "limit")}
    assert closed_by["framing"] >= 2 and closed_by["unbound"] >= 1, closed_by
    assert closed_by["handshake_timeout"] >= 1 and closed_by["limit"] >= 1, closed_by
    assert metric_sum(metrics, "edgemesh_sfu_tcp_connections") == 0, "connections left open"
    assert node.healthy()
    sfu.CreateParticipant(pb.CreateParticipantRequest(room="after-garbage", participant_id="p"))
