"""A slow ICE-TCP subscriber (connected through ICE, DTLS and SRTP over
TCP by the LoadPeers simulated peers, then it stops reading its socket)
costs the other subscribers of the same track nothing: their loss and
latency are measured with and without it, and its write queue stays
within its bound while its late packets are dropped and counted."""
import pytest

from sfu_tcp_helpers import metric_sum, run_fanout, start_sfu

QUEUE_BYTES = 64 * 1024


@pytest.fixture
def node():
    sfu = start_sfu("--tcp-write-queue-bytes", str(QUEUE_BYTES))
    yield sfu
    alive = sfu.proc.poll() is None
    sfu.stop()
    assert alive, f"the SFU crashed; log: {sfu.log_path}"


def summary(report):
    return {k: report.get(k) for k in ("lossPercent", "packetsReceived", "latencyP50Microseconds",
                                        "latencyP99Microseconds", "latencyMaxMicroseconds")}


def test_stalled_tcp_subscriber_does_not_hurt_the_others(node):
    runs = []
    # Interleaved, so that the machine's background load hits both alike.
    def queue_drops():
        return metric_sum(node.metrics(), "edgemesh_sfu_drops_total", reason="tcp_write_queue_drops")

    for stalled in (0, 1, 0, 1):
        before = queue_drops()
        report = run_fanout(node, subscribers=4, rate=400, duration=6, warmup=2, stalled=stalled)
        # sfuDrops in the report are the node's totals; this run's own drops:
        report["queueDrops"] = queue_drops() - before
        runs.append((stalled, report))
        print(f"stalled={stalled}: {summary(report)} queue drops {report['queueDrops']:.0f}")
    baseline = [r for s, r in runs if s == 0]
    with_stall = [r for s, r in runs if s == 1]
    for report in with_stall:
        # The stalled subscriber was fed until its queue was full, then dropped its own packets.
        assert report["queueDrops"] > 500, report["queueDrops"]
        # The others lost nothing and received everything that was published.
        assert report["lossPercent"] == 0, summary(report)
        assert report["minimumPerSubscriber"] >= report["packetsPublished"] * 0.99, summary(report)
    for report in baseline:
        assert report["lossPercent"] == 0, summary(report)
        assert report["queueDrops"] == 0, report["queueDrops"]
    # Latency of the others: a stalled TCP socket that blocked the media loop would add
    # seconds; allow what a shared 2-core machine's scheduling noise adds.
    base_p50 = max(r["latencyP50Microseconds"] for r in baseline)
    stall_p50 = max(r["latencyP50Microseconds"] for r in with_stall)
    assert stall_p50 <= base_p50 + 25_000, (base_p50, stall_p50)
    base_max = max(r["latencyMaxMicroseconds"] for r in baseline)
    stall_max = max(r["latencyMaxMicroseconds"] for r in with_stall)
    assert stall_max <= base_max + 500_000, (base_max, stall_max)
    metrics = node.metrics()
    high_water = metric_sum(metrics, "edgemesh_sfu_tcp_write_queue_high_water_bytes")
    print(f"queue high-water mark: {high_water:.0f} bytes (bound {QUEUE_BYTES})")
    assert QUEUE_BYTES / 2 < high_water <= QUEUE_BYTES, high_water
    assert metric_sum(metrics, "edgemesh_sfu_tcp_write_queue_bytes") == 0, "queued bytes left after the close"
    assert metric_sum(metrics, "edgemesh_sfu_drops_total", reason="tcp_write_queue_drops") > 1000
