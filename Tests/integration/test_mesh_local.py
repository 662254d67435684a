"""devops/mesh-local: the multi-process mesh starts (Redis, two backends, three
SFU nodes in network namespaces behind delay relays), every process answers
/healthz, a client per region joins one room through either backend and is
placed in its region, and `down` leaves no process or namespace behind."""
import asyncio
import json
import os
import socket
import time
import subprocess
import urllib.request
import uuid

import pytest

from backend_helpers import Client
from conftest import ROOT, edgemesh_bin, free_port

SCRIPT = ROOT / "devops" / "mesh-local"
REGIONS = [("us-east", 1, 5), ("eu-central", 2, 40), ("ap-southeast", 3, 90)]


def namespaces():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def healthy(url):
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200


@pytest.fixture
def mesh(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    prefix = "t" + uuid.uuid4().hex[:5]
    net = f"10.{200 + int(prefix[1:3], 16) % 50}"
    env = {**os.environ, "MESH_LOCAL_DIR": str(tmp_path / "mesh"), "MESH_LOCAL_PREFIX": prefix,
           "MESH_LOCAL_NET": net, "MESH_LOCAL_PORT": str(free_port()), "MESH_LOCAL_REDIS_PORT": str(free_port()),
           "EDGEMESH_BIN": edgemesh_bin(),
           "MESH_LOCAL_REGIONS": " ".join(f"{region}:{delay}" for region, _, delay in REGIONS)}
    # The second backend takes MESH_LOCAL_PORT + 1: make sure it is free too.
    while True:
        try:
            import socket
            with socket.socket() as s:
                s.bind(("127.0.0.1", int(env["MESH_LOCAL_PORT"]) + 1))
            break
        except OSError:
            env["MESH_LOCAL_PORT"] = str(free_port())
    up = subprocess.run([str(SCRIPT), "up"], capture_output=True, text=True, env=env, timeout=180)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        yield env, up.stdout, prefix, net
    finally:
        down = subprocess.run([str(SCRIPT), "down"], capture_output=True, text=True, env=env, timeout=120)
        assert down.returncode == 0, down.stdout + down.stderr


def test_mesh_local_up_serves_every_process_and_down_cleans_up(mesh, tmp_path):
    env, banner, prefix, net = mesh
    port = int(env["MESH_LOCAL_PORT"])
    state = tmp_path / "mesh"
    assert f"http://127.0.0.1:{port}/" in banner and f"http://127.0.0.1:{port + 1}/" in banner
    assert {f"{prefix}-{region}" for region, _, _ in REGIONS} <= namespaces()

    for backend in (port, port + 1):
        assert healthy(f"http://127.0.0.1:{backend}/healthz")
    for region, index, _ in REGIONS:
        assert healthy(f"http://{net}.{index}.2:9090/healthz"), region
    redis = subprocess.run(["redis-cli", "-p", env["MESH_LOCAL_REDIS_PORT"], "ping"], capture_output=True, text=True)
    assert redis.stdout.strip() == "PONG"
    pids = {p.stem: int(p.read_text()) for p in state.glob("*.pid")}
    assert set(pids) == {"redis", "relays", "backend-1", "backend-2"} | {f"sfu-{r}" for r, _, _ in REGIONS}

    status = subprocess.run([str(SCRIPT), "status"], capture_output=True, text=True, env=env)
    assert status.returncode == 0 and "NOT running" not in status.stdout, status.stdout

    # One client per region, alternating backends, all in one room: each is placed in its region.
    async def join_all():
        import json
        import urllib.request as request
        clients = []
        for n, (region, _, _) in enumerate(REGIONS):
            backend = port + n % 2
            body = json.dumps({"room": "mesh-room", "identity": f"user-{region}"}).encode()
            with request.urlopen(request.Request(f"http://127.0.0.1:{backend}/v1/dev/token", data=body,
                                                 headers={"Content-Type": "application/json"}), timeout=5) as r:
                token = json.loads(r.read())["token"]
            hints = ",".join(f"{other}:{5 if other == region else 200}" for other, _, _ in REGIONS)
            client = await Client.connect(f"ws://127.0.0.1:{backend}/v1/rtc?access_token={token}&rtt={hints}")
            joined = await client.wait_type("joined", timeout=15)
            assert joined["sfu"]["region"] == region and joined["sfu"]["node"] == f"{region}-1", joined
            assert len(joined["participants"]) == n, "earlier joiners are listed, across both backends"
            clients.append(client)
        for client in clients:
            await client.close()

    asyncio.run(join_all())

    # Media through a region's delay relay: alice publishes on us-east-1, bob (same node) decodes her video.
    async def media():
        from peers import Subscriber, wait_for
        from test_drain import answer_offers, publish
        hints = "us-east:5,eu-central:200,ap-southeast:200"
        tokens = {}
        for name in ("alice", "bob"):
            body = json.dumps({"room": "media-room", "identity": name}).encode()
            with urllib.request.urlopen(urllib.request.Request(
                    f"http://127.0.0.1:{port}/v1/dev/token", data=body,
                    headers={"Content-Type": "application/json"}), timeout=5) as r:
                tokens[name] = json.loads(r.read())["token"]
        alice = await Client.connect(f"ws://127.0.0.1:{port}/v1/rtc?access_token={tokens['alice']}&rtt={hints}")
        bob = await Client.connect(f"ws://127.0.0.1:{port + 1}/v1/rtc?access_token={tokens['bob']}&rtt={hints}")
        for client in (alice, bob):
            assert (await client.wait_type("joined", timeout=15))["sfu"]["node"] == "us-east-1"
        subscriber = Subscriber()
        answering = asyncio.ensure_future(answer_offers(bob, subscriber))
        publisher = await publish(alice)
        assert f"{net}.1.1" in publisher.remoteDescription.sdp, "the node announces its relay address"
        await wait_for(lambda: subscriber.video_frames >= 10, 45, "video through the us-east relay")
        answering.cancel()
        await subscriber.close()
        await publisher.close()
        await alice.close()
        await bob.close()

    asyncio.run(media())

    down = subprocess.run([str(SCRIPT), "down"], capture_output=True, text=True, env=env, timeout=120)
    assert down.returncode == 0, down.stderr
    assert not any(ns.startswith(prefix) for ns in namespaces())
    for name, pid in pids.items():
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read().lower(), name
    assert not state.exists()


def test_mesh_delay_holds_datagrams_and_keeps_senders_apart():
    """devops/mesh-delay alone: each direction is delayed, and replies reach the sender they answer."""
    echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    echo.bind(("127.0.0.1", 0))
    listen = free_port(socket.SOCK_DGRAM)
    relay = subprocess.Popen(
        ["python3", str(ROOT / "devops" / "mesh-delay"), "--relay",
         f"127.0.0.1:{listen}=127.0.0.1:{echo.getsockname()[1]}@60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    senders = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
    try:
        assert "delay 60 ms" in relay.stdout.readline()
        seen = set()
        for n, sender in enumerate(senders):
            sender.settimeout(2)
            started = time.monotonic()
            sender.sendto(f"hello {n}".encode(), ("127.0.0.1", listen))
            echo.settimeout(2)
            data, via = echo.recvfrom(100)
            seen.add(via)
            echo.sendto(data.upper(), via)
            reply, _ = sender.recvfrom(100)
            elapsed = time.monotonic() - started
            assert reply == f"HELLO {n}".encode()
            assert 0.11 <= elapsed < 1.0, elapsed  # 60 ms each way
        assert len(seen) == 2, "each sender has its own back socket"
    finally:
        relay.terminate()
        relay.wait(timeout=5)
        for sock in senders + [echo]:
            sock.close()
    assert relay.returncode == 0
