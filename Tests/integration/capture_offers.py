#!/usr/bin/env python3
"""Capture real WebRTC offers for the SDP module's fixtures.

Writes Tests/SDPTests/Fixtures/*.sdp:

  chromium_simulcast.sdp       headless Chromium, microphone + camera with
                               three simulcast encodings (rid q/h/f)
  chromium_audio_video.sdp     headless Chromium, plain microphone + camera
  chromium_datachannel.sdp     headless Chromium, audio + video + a data channel
  aiortc_audio_video.sdp       aiortc, audio + video (per-section ports,
                               three fingerprints)
  chromium_subscriber_answer.sdp  Chromium's answer to SERVER_OFFER (an SFU
  aiortc_subscriber_answer.sdp    subscriber offer as `edgemesh sdp offer`
                                  writes it), and aiortc's

Run as root from the repository root:

    /work/main/.venv/bin/python Tests/integration/capture_offers.py

The script creates a network namespace that has only loopback, re-runs itself
inside it (so the browser can offer nothing but 127.0.0.1), and deletes the
namespace afterwards. Nothing leaves the machine: no STUN/TURN servers are
configured anywhere.
"""
from __future__ import annotations

import asyncio
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "SDPTests" / "Fixtures"
NETNS = "sdpcap"

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]

# Builds an offer in the page and waits for ICE gathering to finish, so the
# offer carries its candidates. `mode` picks the transceivers.
OFFER_JS = r"""
const mode = arguments[0];
const done = arguments[arguments.length - 1];
(async () => {
  const pc = new RTCPeerConnection({iceServers: []});
  const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: true});
  const [audio] = stream.getAudioTracks();
  const [video] = stream.getVideoTracks();
  if (mode === "simulcast") {
    pc.addTransceiver(audio, {direction: "sendonly", streams: [stream]});
    pc.addTransceiver(video, {direction: "sendonly", streams: [stream], sendEncodings: [
      {rid: "q", scaleResolutionDownBy: 4.0, maxBitrate: 150000},
      {rid: "h", scaleResolutionDownBy: 2.0, maxBitrate: 500000},
      {rid: "f", maxBitrate: 1500000},
    ]});
  } else {
    pc.addTrack(audio, stream);
    pc.addTrack(video, stream);
    if (mode === "datachannel") pc.createDataChannel("chat");
  }
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  if (pc.iceGatheringState !== "complete") {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, 5000);
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc.iceGatheringState === "complete") { clearTimeout(t); resolve(); }
      });
    });
  }
  done({sdp: pc.localDescription.sdp});
})().catch((e) => done({error: String(e)}));
"""


# An SFU subscriber offer (ICE-lite, sendonly audio + video with RTX), as
# `edgemesh sdp offer --audio 1 --video 1` writes it, with fixed identifiers.
SERVER_OFFER = "".join(line + "\r\n" for line in """\
v=0
o=- 2750330310591040431 1 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1
a=ice-lite
a=msid-semantic: WMS *
m=audio 50000 UDP/TLS/RTP/SAVPF 111
c=IN IP4 127.0.0.1
a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host
a=end-of-candidates
a=ice-ufrag:QcUvP5ju
a=ice-pwd:EpF26OX6YpI6H3DlSruUx7Ug
a=fingerprint:sha-256 F3:DE:D3:8C:7D:2E:61:EA:37:9A:58:4E:03:EE:A0:B5:25:EA:E9:DA:E7:B7:C4:87:17:D2:00:52:FB:E8:BD:B7
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=sendonly
a=msid:stream0 audio0
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=ssrc:453731126 cname:edgemesh
a=ssrc:453731126 msid:stream0 audio0
m=video 50000 UDP/TLS/RTP/SAVPF 96 97
c=IN IP4 127.0.0.1
a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host
a=end-of-candidates
a=ice-ufrag:QcUvP5ju
a=ice-pwd:EpF26OX6YpI6H3DlSruUx7Ug
a=fingerprint:sha-256 F3:DE:D3:8C:7D:2E:61:EA:37:9A:58:4E:03:EE:A0:B5:25:EA:E9:DA:E7:B7:C4:87:17:D2:00:52:FB:E8:BD:B7
a=setup:actpass
a=mid:1
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=sendonly
a=msid:stream0 video0
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=ssrc-group:FID 453733174 453733175
a=ssrc:453733174 cname:edgemesh
a=ssrc:453733174 msid:stream0 video0
a=ssrc:453733175 cname:edgemesh
a=ssrc:453733175 msid:stream0 video0""".splitlines())

# Answers SERVER_OFFER in the page (as a subscriber's browser does).
ANSWER_JS = r"""
const [sdp, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const pc = new RTCPeerConnection({iceServers: []});
  await pc.setRemoteDescription({type: "offer", sdp});
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  if (pc.iceGatheringState !== "complete") {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, 5000);
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc.iceGatheringState === "complete") { clearTimeout(t); resolve(); }
      });
    });
  }
  done({sdp: pc.localDescription.sdp});
})().catch((e) => done({error: String(e)}));
"""


def write_fixture(name: str, sdp: str) -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    path = FIXTURES / name
    # Keep the bytes exactly as captured (CRLF line endings).
    path.write_bytes(sdp.encode("utf-8"))
    print(f"wrote {path.relative_to(ROOT)} ({len(sdp)} bytes)")


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (stdlib name)
        body = b"<!doctype html><title>sdp capture</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_page() -> tuple[http.server.ThreadingHTTPServer, str]:
    """A page on 127.0.0.1 (a secure context, so getUserMedia works)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def chromium_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(30)
    return driver


def capture_chromium() -> None:
    server, url = serve_page()
    driver = chromium_driver()
    try:
        driver.get(url)
        for mode, name in [
            ("simulcast", "chromium_simulcast.sdp"),
            ("plain", "chromium_audio_video.sdp"),
            ("datachannel", "chromium_datachannel.sdp"),
        ]:
            result = driver.execute_async_script(OFFER_JS, mode)
            if "error" in result:
                raise RuntimeError(f"chromium {mode}: {result['error']}")
            write_fixture(name, result["sdp"])
        result = driver.execute_async_script(ANSWER_JS, SERVER_OFFER)
        if "error" in result:
            raise RuntimeError(f"chromium answer: {result['error']}")
        write_fixture("chromium_subscriber_answer.sdp", result["sdp"])
    finally:
        driver.quit()
        server.shutdown()


async def _aiortc_offer() -> str:
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

    pc = _aiortc_connection()
    try:
        pc.addTrack(AudioStreamTrack())
        pc.addTrack(VideoStreamTrack())
        await pc.setLocalDescription(await pc.createOffer())
        return pc.localDescription.sdp
    finally:
        await pc.close()


async def _aiortc_answer() -> str:
    from aiortc import RTCSessionDescription

    pc = _aiortc_connection()
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=SERVER_OFFER, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp
    finally:
        await pc.close()


def _aiortc_connection():
    import aioice.ice
    from aiortc import RTCConfiguration, RTCPeerConnection

    aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


def capture_aiortc() -> None:
    write_fixture("aiortc_audio_video.sdp", asyncio.run(_aiortc_offer()))
    write_fixture("aiortc_subscriber_answer.sdp", asyncio.run(_aiortc_answer()))


def inner() -> None:
    capture_chromium()
    capture_aiortc()


def main() -> int:
    if "--inner" in sys.argv:
        inner()
        return 0
    if os.geteuid() != 0:
        print("capture_offers.py must run as root (it creates a network namespace)", file=sys.stderr)
        return 2
    subprocess.run(["ip", "netns", "delete", NETNS], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", NETNS], check=True)
    try:
        subprocess.run(["ip", "-n", NETNS, "link", "set", "lo", "up"], check=True)
        env = dict(os.environ, HOME=os.environ.get("HOME", "/root"))
        proc = subprocess.run(
            ["ip", "netns", "exec", NETNS, sys.executable, __file__, "--inner"], env=env
        )
        return proc.returncode
    finally:
        subprocess.run(["ip", "netns", "delete", NETNS], check=True)


if __name__ == "__main__":
    sys.exit(main())
