"""`edgemesh nodes` against a real redis-server: registry records as written
by nodes (RedisCoordinator's layout: `edgemesh:node:<id>` JSON with a lease,
`edgemesh:nodes` set), each node's GetNodeStats for its trunks; and the
registry lookup of `edgemesh drain`."""
import base64
import json
import subprocess
import time

import pytest

from backend_helpers import RedisProcess
from conftest import SFUProcess, edgemesh_bin, free_port


def register(redis, node_id, region, grpc_address, participants=0, tracks=0, draining=False, age_ms=0, lease_ms=60000):
    record = {
        "id": node_id, "region": region, "grpcAddress": grpc_address,
        "rtcAddress": f"127.0.0.1:{40000 + len(node_id)}", "trunkAddress": "127.0.0.1:7000",
        "trunkPublicKey": base64.b64encode(bytes(32)).decode(), "credential": "test-credential",
        "load": {"participants": participants, "tracks": tracks}, "draining": draining,
        "updatedAt": int(time.time() * 1000) - age_ms,
    }
    cli = ["redis-cli", "-p", str(redis.port)]
    subprocess.run(cli + ["SET", f"edgemesh:node:{node_id}", json.dumps(record), "PX", str(lease_ms)], check=True,
                   capture_output=True)
    subprocess.run(cli + ["SADD", "edgemesh:nodes", node_id], check=True, capture_output=True)


def run_cli(*args, env=None):
    environment = {"PATH": "/usr/bin:/bin", **(env or {})}
    return subprocess.run([edgemesh_bin(), *args], capture_output=True, text=True, timeout=30, env=environment)


@pytest.fixture
def redis():
    server = RedisProcess()
    yield server
    server.stop()


def test_nodes_lists_the_registry_with_stats(redis):
    node = SFUProcess(region="us-east", node_id="use-1")
    try:
        register(redis, "use-1", "us-east", f"127.0.0.1:{node.grpc_port}", participants=3, tracks=5, age_ms=1500)
        register(redis, "euc-1", "eu-central", f"127.0.0.1:{free_port()}", draining=True)
        register(redis, "gone-1", "eu-central", "127.0.0.1:1", lease_ms=1)  # lapsed lease: not listed

        listed = run_cli("nodes", "--redis", redis.address, "--json")
        assert listed.returncode == 0, listed.stderr
        rows = json.loads(listed.stdout)
        assert [(r["region"], r["node"]) for r in rows] == [("eu-central", "euc-1"), ("us-east", "use-1")]
        down, up = rows
        assert up["grpcAddress"] == f"127.0.0.1:{node.grpc_port}"
        assert (up["participants"], up["tracks"], up["draining"]) == (3, 5, False)
        assert 1.4 <= up["leaseAgeSeconds"] < 10
        assert up["trunks"] == [] and "statsError" not in up  # the node answered; no trunks yet
        assert down["draining"] is True and down.get("trunks") is None and down["statsError"]

        table = run_cli("nodes", env={"REDIS_ADDR": redis.address})
        assert table.returncode == 0, table.stderr
        lines = table.stdout.splitlines()
        assert lines[0].split() == ["REGION", "NODE", "GRPC", "RTC", "LOAD", "LEASE", "DRAINING", "TRUNKS", "(RTT)"]
        assert lines[1].split()[:2] == ["eu-central", "euc-1"] and " yes " in lines[1]
        assert "stats unavailable" in lines[1]
        use = lines[2].split()
        assert use[:2] == ["us-east", "use-1"] and use[4] == "3p/5t" and use[6] == "no" and use[7] == "-"
    finally:
        node.stop()


def test_nodes_with_an_empty_registry_and_without_redis(redis):
    empty = run_cli("nodes", "--redis", redis.address)
    assert empty.returncode == 0 and "no nodes in the registry" in empty.stdout, empty
    assert json.loads(run_cli("nodes", "--redis", redis.address, "--json").stdout) == []

    dead = f"127.0.0.1:{free_port()}"
    unreachable = run_cli("nodes", "--redis", dead)
    assert unreachable.returncode == 69, unreachable
    assert f"cannot read the node registry at {dead}" in unreachable.stderr
    missing = run_cli("nodes")
    assert missing.returncode == 64 and "--redis" in missing.stderr, missing


def test_drain_finds_the_node_in_the_registry(redis):
    node = SFUProcess(region="us-east", node_id="use-2")
    try:
        register(redis, "use-2", "us-east", f"127.0.0.1:{node.grpc_port}")
        unknown = run_cli("drain", "nope-1", "--redis", redis.address)
        assert unknown.returncode == 68 and "not in the registry (known: use-2)" in unknown.stderr, unknown
        drained = run_cli("drain", "use-2", "--redis", redis.address, "--wait", "--json")
        assert drained.returncode == 0, drained.stderr
        outcome = json.loads(drained.stdout)
        assert outcome["address"] == f"127.0.0.1:{node.grpc_port}" and outcome["participants"] == 0
        node.proc.wait(timeout=10)
        assert node.proc.returncode == 0
    finally:
        node.stop()
