"""Graceful shutdown (swift-service-lifecycle): SIGTERM on an SFU node drains
it (draining in its stats, new participants refused, exit when empty or at
SHUTDOWN_TIMEOUT); SIGINT stops it at once; SIGTERM on a backend closes its
signaling sockets (its participants leave their node) and exits."""
import asyncio
import signal
import time

import grpc
import pytest

from backend_helpers import BackendProcess, Client, mint
from conftest import SFUProcess, generated_stubs, wait_until


@pytest.fixture
def stubs():
    return generated_stubs()


def test_sigterm_drains_a_node_until_its_timeout(stubs):
    pb, pb_grpc = stubs
    node = SFUProcess(node_id="term-1", env={"SHUTDOWN_TIMEOUT": "3"})
    channel = grpc.insecure_channel(f"127.0.0.1:{node.grpc_port}")
    try:
        stub = pb_grpc.SFUStub(channel)
        stub.CreateParticipant(pb.CreateParticipantRequest(room="r", participant_id="stays"), timeout=5)
        node.proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        wait_until(lambda: stub.GetNodeStats(pb.GetNodeStatsRequest(), timeout=2).draining, 5, "draining in stats")
        with pytest.raises(grpc.RpcError) as refused:
            stub.CreateParticipant(pb.CreateParticipantRequest(room="r", participant_id="late"), timeout=5)
        assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert node.proc.poll() is None, "a participant is left: the node waits for its drain timeout"
        node.proc.wait(timeout=15)
        assert node.proc.returncode == 0
        assert time.monotonic() - started >= 2.5, "the node waited for the drain timeout"
        assert "drain complete" in node.log_path.read_text()
    finally:
        channel.close()
        node.stop()


def test_sigterm_on_an_empty_node_exits_at_once():
    node = SFUProcess(node_id="term-2", env={"SHUTDOWN_TIMEOUT": "60"})
    try:
        node.proc.send_signal(signal.SIGTERM)
        node.proc.wait(timeout=5)
        assert node.proc.returncode == 0
    finally:
        node.stop()


def test_sigint_stops_a_node_without_draining(stubs):
    pb, pb_grpc = stubs
    node = SFUProcess(node_id="int-1", env={"SHUTDOWN_TIMEOUT": "60"})
    channel = grpc.insecure_channel(f"127.0.0.1:{node.grpc_port}")
    try:
        pb_grpc.SFUStub(channel).CreateParticipant(pb.CreateParticipantRequest(room="r", participant_id="p"), timeout=5)
        node.proc.send_signal(signal.SIGINT)
        node.proc.wait(timeout=5)
        assert "drain complete" not in node.log_path.read_text()
    finally:
        channel.close()
        node.stop()


def test_sigterm_on_a_backend_closes_sockets_and_exits():
    node = SFUProcess(node_id="term-3")
    backend = BackendProcess(sfu_addrs=[f"127.0.0.1:{node.grpc_port}"])

    async def scenario():
        client = await Client.connect(backend.ws_url(mint(identity="alice")))
        await client.wait_type("joined")
        backend.proc.send_signal(signal.SIGTERM)
        await client.wait_closed(10)

    try:
        asyncio.run(scenario())
        backend.proc.wait(timeout=15)
        assert backend.proc.returncode == 0
        assert node.proc.poll() is None, "the node keeps serving"
        pb, pb_grpc = generated_stubs()
        with grpc.insecure_channel(f"127.0.0.1:{node.grpc_port}") as channel:
            stub = pb_grpc.SFUStub(channel)
            wait_until(lambda: stub.GetNodeStats(pb.GetNodeStatsRequest(), timeout=2).participants == 0, 5,
                       "the participant closed on the node")
    finally:
        backend.stop()
        node.stop()
