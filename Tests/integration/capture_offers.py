#!/usr/bin/env python3
"""Capture real WebRTC offers for the SDP module's fixtures.

Writes Tests/SDPTests/Fixtures/*.sdp:

  chromium_simulcast.sdp       headless Chromium, microphone + camera with
                               three simulcast encodings (rid q/h/f)
  chromium_audio_video.sdp     headless Chromium, plain microphone + camera
  chromium_datachannel.sdp     headless Chromium, audio + video + a data channel
  aiortc_audio_video.sdp       aiortc, audio + video (per-section ports,
                               three fingerprints)

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
    finally:
        driver.quit()
        server.shutdown()


async def _aiortc_offer() -> str:
    import aioice.ice
    from aiortc import RTCConfiguration, RTCPeerConnection
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

    aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        pc.addTrack(AudioStreamTrack())
        pc.addTrack(VideoStreamTrack())
        await pc.setLocalDescription(await pc.createOffer())
        return pc.localDescription.sdp
    finally:
        await pc.close()


def capture_aiortc() -> None:
    write_fixture("aiortc_audio_video.sdp", asyncio.run(_aiortc_offer()))


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
