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
    base = random.randrange(30000, 40000, 10)
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
