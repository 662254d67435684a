"""TURN: the backend puts coturn (use-auth-secret) in `joined.iceServers`
with TURN REST API credentials; Chromium forced to relay-only
(`iceTransportPolicy: "relay"`) with those credentials publishes and
receives video through a real coturn and the SFU."""
import asyncio
import base64
import hashlib
import hmac
import shutil
import subprocess
import time

import pytest

from backend_helpers import BackendProcess, Client, mint
from browser import StaticServer, call, chromium
from conftest import RUN_DIR, free_port, generated_stubs, wait_until
from sfu_tcp_helpers import metric_sum, start_sfu

TURN_IP = "127.0.0.3"
TURN_SECRET = "turn-test-secret-not-for-production"
ROOM = "turn-room"


class Coturn:
    """Debian's turnserver on loopback: UDP/TCP listener only, use-auth-secret."""

    def __init__(self):
        binary = shutil.which("turnserver")
        if binary is None:
            pytest.fail("turnserver (Debian package coturn) is required; devops/bootstrap installs it")
        self.port = free_port()
        RUN_DIR.mkdir(exist_ok=True)
        self.log_path = RUN_DIR / f"coturn-{self.port}.log"
        self.log = open(self.log_path, "w")
        relay_min = free_port()
        self.proc = subprocess.Popen(
            [binary, "-n", "--listening-ip", TURN_IP, "--relay-ip", TURN_IP, "--listening-port", str(self.port),
             "--min-port", str(relay_min), "--max-port", str(min(65535, relay_min + 200)),
             "--use-auth-secret", "--static-auth-secret", TURN_SECRET, "--realm", "edgemesh.test",
             "--allow-loopback-peers", "--no-tls", "--no-dtls", "--no-cli", "--no-tcp-relay",
             "--fingerprint", "--db", str(RUN_DIR / f"coturn-{self.port}.sqlite"),
             "--pidfile", str(RUN_DIR / f"coturn-{self.port}.pid"), "--log-file", "stdout", "--simple-log",
             "--verbose"],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(lambda: "listener opened on" in self.log_path.read_text() or self._exited(), 15,
                   "coturn listening")
        assert self.proc.poll() is None, self.log_path.read_text()[-2000:]

    def _exited(self):
        assert self.proc.poll() is None, f"turnserver exited: {self.log_path.read_text()[-2000:]}"
        return False

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def expected_credential(username: str) -> str:
    return base64.b64encode(hmac.new(TURN_SECRET.encode(), username.encode(), hashlib.sha1).digest()).decode()


async def joined_ice_servers(backend, identity):
    client = await Client.connect(backend.ws_url(mint(room="turn-backend-room", identity=identity)))
    try:
        joined = await client.wait_type("joined", timeout=15)
        return joined["participant"]["id"], joined["iceServers"]
    finally:
        await client.close()


def test_relay_only_chromium_through_coturn_with_backend_credentials():
    coturn = Coturn()
    node = start_sfu("--relay-ips", TURN_IP)
    backend = BackendProcess(
        sfu_addrs=[f"127.0.0.1:{node.grpc_port}"],
        env={"TURN_URLS": f"turn:{TURN_IP}:{coturn.port}?transport=udp", "TURN_SECRET": TURN_SECRET,
             "TURN_TTL": "600"})
    server = StaticServer()
    pages = []
    try:
        # The backend's joined.iceServers: coturn with TURN REST API credentials.
        servers = {}
        for identity in ("alice", "bob"):
            before = int(time.time())
            participant, ice_servers = asyncio.run(joined_ice_servers(backend, identity))
            assert len(ice_servers) == 1, ice_servers
            entry = ice_servers[0]
            assert entry["urls"] == [f"turn:{TURN_IP}:{coturn.port}?transport=udp"], entry
            expiry, _, who = entry["username"].partition(":")
            assert who == participant and before + 600 <= int(expiry) <= int(time.time()) + 600, entry
            assert entry["credential"] == expected_credential(entry["username"]), entry
            servers[identity] = entry
        assert TURN_SECRET not in backend.log_path.read_text(), "the TURN secret was logged"

        pb, pb_grpc = generated_stubs()
        import grpc
        channel = grpc.insecure_channel(f"127.0.0.1:{node.grpc_port}")
        sfu = pb_grpc.SFUStub(channel)
        pages = [chromium(), chromium()]
        for page, identity in zip(pages, ("alice", "bob")):
            page.get(server.url("peer.html"))
            call(page, "window.peer.configure(arguments[0])",
                 {"iceServers": [servers[identity]], "iceTransportPolicy": "relay"})
        publisher, subscriber = pages

        sfu.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="pub"))
        offer = call(publisher, "window.peer.publish(false)")
        reply = sfu.Publish(pb.PublishRequest(room=ROOM, participant_id="pub", offer_sdp=offer))
        call(publisher, "window.peer.acceptAnswer(arguments[0])", reply.answer_sdp)
        sfu.CreateParticipant(pb.CreateParticipantRequest(room=ROOM, participant_id="sub"))
        sfu.Subscribe(pb.SubscribeRequest(room=ROOM, participant_id="sub", track_ids=[t.id for t in reply.tracks]))
        server_offer = sfu.CreateSubscriberOffer(pb.CreateSubscriberOfferRequest(room=ROOM, participant_id="sub"))
        answer = call(subscriber, "window.peer.subscribe(arguments[0])", server_offer.offer_sdp)
        sfu.SetSubscriberAnswer(pb.SetSubscriberAnswerRequest(room=ROOM, participant_id="sub", answer_sdp=answer))

        wait_until(lambda: (call(subscriber, "window.peer.stats()")["video"] or {}).get("framesDecoded", 0) >= 30,
                   45, "30 frames decoded by the relay-only subscriber")
        for page in pages:
            path = call(page, "window.peer.path()")
            assert path and path["local"]["type"] == "relay", path
        metrics = node.metrics()
        assert metric_sum(metrics, "edgemesh_sfu_selected_paths_total", transport="relay") >= 2, metrics
        assert metric_sum(metrics, "edgemesh_sfu_path_packets_received_total", transport="relay") > 100, metrics
        assert metric_sum(metrics, "edgemesh_sfu_path_packets_sent_total", transport="relay") > 100, metrics
        assert metric_sum(metrics, "edgemesh_sfu_path_packets_sent_total", transport="udp") == 0, metrics
        log = coturn.log_path.read_text()
        assert servers["alice"]["username"] in log and servers["bob"]["username"] in log, log[-3000:]
        channel.close()
    finally:
        for page in pages:
            page.quit()
        server.close()
        backend.stop()
        alive = node.proc.poll() is None
        node.stop()
        coturn.stop()
        assert alive, f"the SFU crashed; log: {node.log_path}"
