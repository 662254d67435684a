"""`edgemesh dev` starts the backend and one SFU node per region file, a
client can join through it, and it stops cleanly on SIGTERM."""
import asyncio
import json
import random
import signal
import subprocess
import urllib.request

import websockets

from conftest import ROOT, RUN_DIR, edgemesh_bin, free_port, generated_stubs, wait_until


def test_dev_starts_a_node_per_region_and_stops_cleanly():
    import grpc
    regions = sorted(p.stem for p in (ROOT / "regions").glob("*.yaml"))
    assert len(regions) >= 5, regions
    base = random.randrange(20000, 30000, 100)
    RUN_DIR.mkdir(exist_ok=True)
    log = open(RUN_DIR / "dev.log", "w")
    port = free_port()
    proc = subprocess.Popen([edgemesh_bin(), "dev", "--base-port", str(base), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
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
        def regions_with_healthy_nodes():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/regions", timeout=2) as r:
                listed = json.loads(r.read())
            healthy = {reg["id"] for reg in listed if any(n["healthy"] for n in reg["nodes"])}
            return healthy == set(regions)
        wait_until(regions_with_healthy_nodes, 30, "every region listed with a healthy node")

        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/dev/token", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"room": "dev-room", "identity": "alice", "name": "Alice"}).encode())
        with urllib.request.urlopen(request, timeout=5) as r:
            token = json.loads(r.read())["token"]

        async def join():
            async with websockets.connect(f"ws://127.0.0.1:{port}/v1/rtc?access_token={token}") as ws:
                return json.loads(await asyncio.wait_for(ws.recv(), 10))
        joined = asyncio.run(join())
        assert joined["type"] == "joined", joined
        assert joined["sfu"]["region"] in regions and joined["participant"]["identity"] == "alice", joined
        banner = (RUN_DIR / "dev.log").read_text()
        assert all(region in banner for region in regions), banner
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
        log.close()
    assert code == 0, (RUN_DIR / "dev.log").read_text()[-2000:]
