"""Browser acceptance of the SDP module's answers and offers.

Headless Chromium (and aiortc) must accept what `edgemesh sdp answer` and
`edgemesh sdp offer` produce:

* publisher side: the browser offers (simulcast camera + mic; plain
  sendrecv tracks with a data channel), `edgemesh sdp answer` answers (the
  second with UDP and TCP candidates),
  setLocalDescription(offer) + setRemoteDescription(answer) succeed and the
  transceivers end up sending (`currentDirection == "sendonly"`), with the
  three simulcast encodings kept;
* subscriber side: setRemoteDescription(server offer) + createAnswer +
  setLocalDescription succeed for a first offer and for renegotiations that
  add, remove (→ inactive) and re-add tracks; the browser answers recvonly.

Run as root (the browser runs in a loopback-only network namespace this test
creates and deletes):

    /work/main/.venv/bin/python -m pytest Tests/integration/test_sdp_chromium.py

The edgemesh binary is $EDGEMESH_BIN or .build/debug/edgemesh. Nothing is
skipped: a missing browser, driver or binary fails the test.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from capture_offers import OFFER_JS, chromium_driver, serve_page  # noqa: E402

RESULT_MARK = "SDP-ACCEPTANCE-RESULT "

# Keeps the publisher connection on `window` so its answer can be applied.
PUBLISH_JS = OFFER_JS.replace(
    "const offer = await pc.createOffer();",
    "window.pubs = window.pubs || {}; window.pubs[mode] = pc;\n  const offer = await pc.createOffer();",
).replace("if (pc.iceGatheringState !== \"complete\")", "if (false)")

APPLY_ANSWER_JS = r"""
const [mode, sdp, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
(async () => {
  const pc = window.pubs[mode];
  await pc.setRemoteDescription({type: "answer", sdp});
  done({
    signalingState: pc.signalingState,
    transceivers: pc.getTransceivers().map((t) => ({
      mid: t.mid,
      kind: t.sender.track ? t.sender.track.kind : null,
      currentDirection: t.currentDirection,
      rids: t.sender.getParameters().encodings.map((e) => e.rid || null),
    })),
  });
})().catch((e) => done({error: String(e)}));
"""

SUBSCRIBE_JS = r"""
const [sdp, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  if (!window.sub) {
    window.sub = new RTCPeerConnection({iceServers: []});
    window.subTracks = [];
    window.sub.ontrack = (e) => window.subTracks.push(
      {kind: e.track.kind, mid: e.transceiver.mid, streams: e.streams.map((s) => s.id)});
  }
  const pc = window.sub;
  await pc.setRemoteDescription({type: "offer", sdp});
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  done({
    answer: answer.sdp,
    signalingState: pc.signalingState,
    transceivers: pc.getTransceivers().map((t) => ({
      mid: t.mid, kind: t.receiver.track.kind, currentDirection: t.currentDirection,
    })),
    tracks: window.subTracks.slice(),
  });
})().catch((e) => done({error: String(e)}));
"""

# Track counts (audio, video) of the successive subscriber offers.
SUBSCRIBER_STEPS = [(1, 1), (1, 2), (0, 1), (1, 2)]


def edgemesh_binary() -> str:
    path = os.environ.get("EDGEMESH_BIN") or str(ROOT / ".build" / "debug" / "edgemesh")
    if not os.access(path, os.X_OK):
        raise AssertionError(f"edgemesh binary not found at {path}: build it (swift build) or set EDGEMESH_BIN")
    return path


def run_edgemesh(binary: str, args: list[str], stdin: str = "") -> str:
    proc = subprocess.run([binary, "sdp", *args], input=stdin, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"edgemesh sdp {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc.stdout


# --- the part that runs inside the network namespace -----------------------

def scenario(results: dict, name: str, fn) -> None:
    try:
        results[name] = fn()
    except Exception as error:  # reported to the outer test, which fails
        results[name] = {"error": f"{type(error).__name__}: {error}"}


def publisher(driver, binary: str, mode: str, extra: list[str]) -> dict:
    offer = driver.execute_async_script(PUBLISH_JS, mode)
    if "error" in offer:
        return offer
    answer = run_edgemesh(binary, ["answer", *extra], offer["sdp"])
    applied = driver.execute_async_script(APPLY_ANSWER_JS, mode, answer)
    return {"offer": offer["sdp"], "answer": answer, **applied}


def subscriber(driver, binary: str) -> dict:
    args = ["offer", "--audio", str(SUBSCRIBER_STEPS[0][0]), "--video", str(SUBSCRIBER_STEPS[0][1])]
    for audio, video in SUBSCRIBER_STEPS[1:]:
        args += ["--renegotiate", f"{audio},{video}"]
    offers = [part.lstrip("\n") for part in run_edgemesh(binary, args).split("--\n")]
    steps = []
    for offer in offers:
        step = driver.execute_async_script(SUBSCRIBE_JS, offer)
        steps.append({"offer": offer, **step})
        if "error" in step:
            break
    return {"steps": steps}


def aiortc_publisher(binary: str) -> dict:
    import aioice.ice
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

    aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]

    async def run() -> dict:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        try:
            pc.addTrack(AudioStreamTrack())
            pc.addTrack(VideoStreamTrack())
            await pc.setLocalDescription(await pc.createOffer())
            answer = run_edgemesh(binary, ["answer"], pc.localDescription.sdp)
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
            return {
                "answer": answer,
                "signalingState": pc.signalingState,
                "directions": [t.currentDirection for t in pc.getTransceivers()],
            }
        finally:
            await pc.close()

    return asyncio.run(run())


def inner(binary: str) -> None:
    results: dict = {}
    server, url = serve_page()
    driver = chromium_driver()
    try:
        driver.get(url)
        results["chromium"] = driver.capabilities.get("browserVersion")
        scenario(results, "simulcast", lambda: publisher(driver, binary, "simulcast", []))
        scenario(results, "datachannel", lambda: publisher(driver, binary, "datachannel", ["--tcp"]))
        scenario(results, "subscriber", lambda: subscriber(driver, binary))
    finally:
        driver.quit()
        server.shutdown()
    scenario(results, "aiortc", lambda: aiortc_publisher(binary))
    print(RESULT_MARK + json.dumps(results), flush=True)


# --- the pytest side ---------------------------------------------------------

@pytest.fixture(scope="module")
def results() -> dict:
    for path in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
        assert os.access(path, os.X_OK), f"{path} is missing: apt-get install -y chromium chromium-driver"
    assert shutil.which("ip"), "iproute2 (ip) is missing"
    assert os.geteuid() == 0, "this test creates a network namespace and must run as root"
    binary = edgemesh_binary()
    netns = f"sdptest{os.getpid()}"
    subprocess.run(["ip", "netns", "add", netns], check=True)
    try:
        subprocess.run(["ip", "-n", netns, "link", "set", "lo", "up"], check=True)
        proc = subprocess.run(
            ["ip", "netns", "exec", netns, sys.executable, __file__, "--inner", binary],
            capture_output=True, text=True, timeout=240,
        )
    finally:
        subprocess.run(["ip", "netns", "delete", netns], check=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    assert proc.returncode == 0 and lines, f"browser run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-4000:]}"
    return json.loads(lines[-1][len(RESULT_MARK):])


def check(result: dict) -> dict:
    assert "error" not in result, result["error"]
    return result


def media_blocks(sdp: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    for line in sdp.replace("\r\n", "\n").splitlines():
        if line.startswith("m="):
            blocks.append([])
        if blocks:
            blocks[-1].append(line)
    return blocks


def test_browser_is_chromium(results):
    assert results["chromium"], "no browser version reported"


def test_simulcast_publisher_answer_is_accepted(results):
    result = check(results["simulcast"])
    assert result["signalingState"] == "stable"
    answer = result["answer"]
    assert "a=ice-lite" in answer and "a=group:BUNDLE 0 1" in answer
    assert "a=simulcast:recv q;h;f" in answer
    transceivers = result["transceivers"]
    assert [t["kind"] for t in transceivers] == ["audio", "video"]
    assert [t["currentDirection"] for t in transceivers] == ["sendonly", "sendonly"]
    # The browser kept all three simulcast encodings after the answer.
    assert transceivers[1]["rids"] == ["q", "h", "f"]


def test_sendrecv_publisher_with_datachannel_answer_is_accepted(results):
    result = check(results["datachannel"])
    assert result["signalingState"] == "stable"
    blocks = media_blocks(result["answer"])
    assert [b[0].split()[0] for b in blocks] == ["m=audio", "m=video", "m=application"]
    assert blocks[2][0].startswith("m=application 0 ")
    assert "a=recvonly" in blocks[0] and "a=recvonly" in blocks[1]
    # This answer also carries a passive TCP host candidate.
    assert any("tcptype passive" in line for line in blocks[0])
    # sendrecv offered, recvonly answered: the browser only sends.
    assert [t["currentDirection"] for t in result["transceivers"]] == ["sendonly", "sendonly"]


def test_subscriber_offers_and_renegotiations_are_accepted(results):
    steps = check(results["subscriber"])["steps"]
    for index, step in enumerate(steps):
        assert "error" not in step, f"offer {index + 1} refused: {step['error']}\n{step['offer']}"
    assert len(steps) == len(SUBSCRIBER_STEPS)
    expected_active = [audio + video for audio, video in SUBSCRIBER_STEPS]
    for step, active in zip(steps, expected_active):
        assert step["signalingState"] == "stable"
        directions = [t["currentDirection"] for t in step["transceivers"]]
        assert directions.count("recvonly") == active, directions
        assert all(d in ("recvonly", "inactive") for d in directions), directions
        # The browser's answer: recvonly for each sendonly section, DTLS client.
        for block in media_blocks(step["answer"]):
            assert "a=setup:active" in block
        assert sum("a=recvonly" in block for block in media_blocks(step["answer"])) == active
    # Step 2 → 3 removes audio0 and video1: their sections go inactive, mids stay.
    first, third, fourth = steps[0], steps[2], steps[3]
    assert [t["mid"] for t in third["transceivers"]] == ["0", "1", "2"]
    assert [t["currentDirection"] for t in third["transceivers"]] == ["inactive", "recvonly", "inactive"]
    # Step 4 re-adds them into the same sections, and the browser fires `track` again.
    assert [t["currentDirection"] for t in fourth["transceivers"]] == ["recvonly", "recvonly", "recvonly"]
    assert [t["kind"] for t in first["transceivers"]] == ["audio", "video"]
    fired = fourth["tracks"]
    assert [t["mid"] for t in fired].count("0") == 2 and [t["mid"] for t in fired].count("2") == 2, fired


def test_aiortc_accepts_publisher_answer(results):
    result = check(results["aiortc"])
    assert result["signalingState"] == "stable"
    assert result["directions"] == ["sendonly", "sendonly"]
    assert "a=fingerprint:sha-256" in result["answer"]


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--inner":
    inner(sys.argv[2])
