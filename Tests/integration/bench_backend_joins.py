"""Join throughput of one backend: N concurrent WebSocket clients (token
check, region choice, gRPC transport creation, `joined`). Not collected by
pytest; run: python Tests/integration/bench_backend_joins.py [clients] [room size] [rate].
With a rate (joins per second) the clients arrive paced at that rate and all
stay connected; without one they arrive in one burst."""
import asyncio
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from backend_helpers import BackendProcess, mint  # noqa: E402
from conftest import SFUProcess  # noqa: E402


async def run(backend, clients, room_size, rate=0.0):
    import websockets
    tokens = [mint(room=f"bench-{i // room_size}", identity=f"user-{i}") for i in range(clients)]
    latencies = []

    async def one(index, token):
        if rate > 0:  # arrival schedule of the load shape, not synchronisation
            await asyncio.sleep(max(0.0, begin + index / rate - time.perf_counter()))
        start = time.perf_counter()
        ws = await websockets.connect(backend.ws_url(token), max_size=None, open_timeout=60)
        await ws.recv()  # joined
        latencies.append(time.perf_counter() - start)
        return ws

    begin = start = time.perf_counter()
    sockets = await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens)))
    elapsed = time.perf_counter() - start
    for ws in sockets:
        await ws.close()
    latencies.sort()
    return elapsed, latencies


def main():
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    room_size = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rate = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    sfu = SFUProcess()
    backend = BackendProcess(sfu_addrs=[f"127.0.0.1:{sfu.grpc_port}"], args=["--log-level", "info"])
    try:
        elapsed, latencies = asyncio.run(run(backend, clients, room_size, rate))
        metrics = backend.metrics()
        buckets = sorted((float(k.split('le="')[1].split('"')[0]), v) for k, v in metrics.items()
                         if k.startswith("edgemesh_backend_join_signaling_seconds_bucket") and "+Inf" not in k)
        count = metrics["edgemesh_backend_join_signaling_seconds_count"]
        p99 = next(le for le, v in buckets if v >= 0.99 * count)
        p50 = next(le for le, v in buckets if v >= 0.5 * count)
        shape = f"paced at {rate:.0f}/s" if rate > 0 else "one burst"
        print(f"{clients} clients, rooms of {room_size}, {shape}: {clients / elapsed:.0f} joins/s ({elapsed:.2f} s)")
        print(f"client-side latency p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms")
        print(f"server-side open→joined: p50 ≤ {p50 * 1000:.0f} ms, p99 ≤ {p99 * 1000:.0f} ms (histogram bounds)")
    finally:
        backend.stop()
        sfu.stop()


if __name__ == "__main__":
    main()
