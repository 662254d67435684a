"""`edgemesh loadtest` against `edgemesh dev`: a few simulated publishers and
subscribers join through the client protocol, exchange real SRTP for a few
seconds, and the `--json` report says what arrived."""
import json
import random
import shutil
import signal
import subprocess
import tempfile
import urllib.request

import pytest

from conftest import ROOT, RUN_DIR, edgemesh_bin, free_port, wait_until


@pytest.fixture(scope="module")
def dev_stack():
    """`edgemesh dev` with one region (one SFU node in the process)."""
    regions = tempfile.mkdtemp(prefix="loadtest-regions-")
    shutil.copy(ROOT / "regions" / "us-east.yaml", regions)
    RUN_DIR.mkdir(exist_ok=True)
    log = open(RUN_DIR / "loadtest-dev.log", "w")
    port = free_port()
    base = random.randrange(20000, 32000, 10)  # below the ephemeral range (32768+)
    proc = subprocess.Popen([edgemesh_bin(), "dev", "--regions-dir", regions, "--port", str(port),
                             "--base-port", str(base)], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

    def healthy_node():
        assert proc.poll() is None, (RUN_DIR / "loadtest-dev.log").read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/regions", timeout=1) as r:
            return any(node["healthy"] for region in json.loads(r.read()) for node in region["nodes"])
    try:
        wait_until(healthy_node, 30, "a healthy SFU node behind edgemesh dev")
        yield port, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(regions, ignore_errors=True)


def run_loadtest(port, *args):
    command = [edgemesh_bin(), "loadtest", "--url", f"http://127.0.0.1:{port}", "--json", "--quiet",
               "--join-timeout", "30", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_audio_fanout_delivers_every_track_to_every_subscriber(dev_stack):
    port, pid = dev_stack
    report = run_loadtest(port, "--scenario", "audio-fanout", "--publishers", "3", "--subscribers", "4",
                          "--duration", "3", "--sfu-pid", str(pid))
    assert report["target"] == "edgemesh" and report["scenario"] == "audio-fanout"
    assert report["failures"] == [], report["failures"]
    assert report["participants"] == 7 and report["joined"] == 7 and report["receiving"] == 4
    assert report["packetsReceived"] > 0
    # 3 tracks × 4 subscribers, ~50 packets/s each over ~3 s.
    assert len(report["tracks"]) == 3
    assert all(track["kind"] == "audio" and track["receivers"] == 4 for track in report["tracks"])
    assert report["packetsReceived"] >= 0.8 * 12 * 50 * report["windowSeconds"]
    assert report["lossPercent"] < 1.0
    assert report["joinMs"]["count"] == 4 and 0 < report["joinMs"]["p50"] <= report["joinMs"]["p99"] < 30000
    assert report["latencyMs"]["count"] > 0 and report["latencyMs"]["p50"] < 1000
    assert report["sfu"]["pids"] == [pid] and report["sfu"]["cpuSeconds"] > 0


def test_video_meeting_is_n_by_n(dev_stack):
    port, _ = dev_stack
    report = run_loadtest(port, "--scenario", "video-meeting", "--publishers", "3", "--duration", "3",
                          "--video-kbps", "300")
    assert report["failures"] == [], report["failures"]
    assert report["receiving"] == 3 and report["joinVideoMs"]["count"] == 3
    # Each of 3 participants publishes audio + video and receives the other two's.
    assert len(report["tracks"]) == 6
    assert all(track["receivers"] == 2 for track in report["tracks"])
    video = [track for track in report["tracks"] if track["kind"] == "video"]
    assert len(video) == 3 and all(track["packets"] > 0 and track["kbpsPerReceiver"] > 100 for track in video)
    assert report["lossPercent"] < 1.0


def test_simulcast_subscribers_get_the_layer_they_ask_for(dev_stack):
    """One publisher sends Chrome's q/h/f ladder (1/16, 1/4 and all of 1200 kbps);
    six subscribers ask for low, medium, high in turn (`subscribe` with `quality`)."""
    port, _ = dev_stack
    report = run_loadtest(port, "--scenario", "video-fanout", "--subscribers", "6", "--simulcast", "--quality", "mix",
                          "--video-kbps", "1200", "--duration", "4", "--no-audio")
    assert report["failures"] == [], report["failures"]
    assert report["receiving"] == 6
    # The publisher sent all three layers at about their share of the bitrate.
    layers = {layer["rid"]: layer for layer in report["simulcastLayers"]}
    assert list(layers) == ["q", "h", "f"], report["simulcastLayers"]
    for rid, kbps in (("q", 75), ("h", 300), ("f", 1200)):
        assert 0.8 * kbps < layers[rid]["kbpsPerPublisher"] < 1.2 * kbps, layers[rid]
    groups = {group["quality"]: group for group in report["qualities"]}
    assert sorted(groups) == ["high", "low", "medium"], report["qualities"]
    for name, size in (("low", "320x180"), ("medium", "640x360"), ("high", "1280x720")):
        group = groups[name]
        # Every subscriber of every group receives video, and the keyframes it saw are its layer's.
        assert group["subscribers"] == 2 and group["receivingVideo"] == 2 and group["videoPackets"] > 0, group
        assert group["keyframeSizes"] == {size: 2}, group
    low, medium, high = (groups[name]["videoKbpsPerStream"] for name in ("low", "medium", "high"))
    # The ladder is ×4 per step: demand at least ×2.
    assert 2 * low < medium and 2 * medium < high, (low, medium, high)
    assert 600 < high < 1500, high
    assert report["lossPercent"] < 1.0


def test_simulcast_is_refused_for_janus():
    done = subprocess.run([edgemesh_bin(), "loadtest", "--target", "janus", "--url", "http://127.0.0.1:9", "--simulcast",
                           "--scenario", "video-fanout"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode != 0
    assert "--simulcast and --quality are EdgeMesh-only" in done.stderr, done.stderr[-2000:]
