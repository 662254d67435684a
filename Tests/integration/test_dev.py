"""`edgemesh dev` starts one SFU node per region file, each serving /healthz
and its gRPC API, and stops cleanly on SIGTERM."""
import random
import signal
import subprocess
import urllib.request

from conftest import ROOT, RUN_DIR, edgemesh_bin, generated_stubs, wait_until


def test_dev_starts_a_node_per_region_and_stops_cleanly():
    import grpc
    regions = sorted(p.stem for p in (ROOT / "regions").glob("*.yaml"))
    assert len(regions) >= 5, regions
    base = random.randrange(20000, 30000, 100)
    RUN_DIR.mkdir(exist_ok=True)
    log = open(RUN_DIR / "dev.log", "w")
    proc = subprocess.Popen([edgemesh_bin(), "dev", "--base-port", str(base)], stdout=log, stderr=subprocess.STDOUT,
                            cwd=ROOT)
    try:
        pb, grpc_pb = generated_stubs()
        for index, region in enumerate(regions):
            metrics_port = base + index * 3 + 1

            def healthy():
                assert proc.poll() is None, (RUN_DIR / "dev.log").read_text()
                with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/healthz", timeout=1) as r:
                    return r.status == 200
            wait_until(healthy, 30, f"/healthz of the {region} node")
            with grpc.insecure_channel(f"127.0.0.1:{base + index * 3}") as channel:
                stats = grpc_pb.SFUStub(channel).GetNodeStats(pb.GetNodeStatsRequest(), timeout=5)
            assert stats.region == region and stats.node_id == f"{region}-1"
        banner = (RUN_DIR / "dev.log").read_text()
        assert all(region in banner for region in regions), banner
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
        log.close()
    assert code == 0, (RUN_DIR / "dev.log").read_text()[-2000:]
