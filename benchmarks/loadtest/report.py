"""Markdown table and chart for benchmarks/loadtest_vs_janus.py.

    python benchmarks/loadtest/report.py benchmarks/results/loadtest-raw.json   # rewrite loadtest.md and .png
"""


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def fmt(value, digits=1):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def part(run, key):
    values = run.get(key) or {}
    return f"{fmt(values.get('p50'), 0)} / {fmt(values.get('p99'), 0)}"


def per_million(run):
    return (run.get("sfu") or {}).get("cpuSecondsPerMillionPackets")


def pairs(results):
    """(shape, n, edgemesh run, janus run) in run order."""
    seen = {}
    for run in results:
        seen.setdefault((run["shape"], run["n"]), {})[run["target"]] = run
    return [(shape, n, runs.get("edgemesh"), runs.get("janus")) for (shape, n), runs in seen.items()]


def markdown(meta, results, bursts):
    lines = [
        "# Load test: EdgeMesh vs Janus, same load tester, same run",
        "",
        "`benchmarks/loadtest_vs_janus.py` drives `edgemesh loadtest` (simulated WebRTC peers with real",
        "ICE/DTLS/SRTP) against `edgemesh dev` (one region: backend + one SFU node in one process) and",
        "against Debian's Janus (VideoRoom plugin, HTTP API, ICE-lite on a veth address), one after the",
        "other in the same private network namespace, with the same peers and the same media.",
        "",
        f"- machine: {meta['cpus']} cores, {meta['cpu_model']}",
        f"- commit: {meta['commit']}",
        f"- date: {meta['date']}",
        f"- Janus: {meta['janus']}",
        f"- window: {meta['duration']} s per run after every participant joined; video {meta['video_kbps']} kbit/s "
        "(1200-byte packets, a frame's packets sent together at 30 fps), audio 50 packets/s of 92 bytes",
        f"- SFU pinned to CPU 0, load generator to CPU 1: {'yes' if meta['pinned'] else 'no'}; "
        f"load average before → after: {' '.join(meta['load_before'])} → {' '.join(meta['load_after'])} (shared machine)",
        "- forwarded pps = packets the subscribers received per second; CPU = utime+stime of the SFU process",
        "  from /proc/PID/stat over the window (EdgeMesh's includes its backend, idle during the window);",
        "  latency = publisher send → subscriber receive (CLOCK_MONOTONIC in the payload); loss from RTP",
        "  sequence gaps.",
        "",
        "| shape | N | SFU | forwarded pps | CPU-s per M packets | CPU ratio EM/Janus | latency p50 / p99 (ms) | loss % | join p50 / p99 (ms) | failures |",
        "|---|---:|---|---:|---:|---:|---|---:|---|---:|",
    ]
    for shape, n, em, janus in pairs(results):
        ratio = None
        if em and janus and per_million(em) and per_million(janus):
            ratio = per_million(em) / per_million(janus)
        for run in (em, janus):
            if run is None:
                continue
            join = run["joinMs"]
            lines.append(
                f"| {shape} | {n} | {run['target']} | {fmt(run['receivedPacketsPerSecond'], 0)} | "
                f"{fmt(per_million(run), 2)} | {fmt(ratio, 2) if run is em else ''} | "
                f"{fmt(run['latencyMs'].get('p50'), 2)} / {fmt(run['latencyMs'].get('p99'), 2)} | "
                f"{fmt(run['lossPercent'], 3)} | {fmt(join.get('p50'), 0)} / {fmt(join.get('p99'), 0)} | {len(run['failures'])} |")
    lines += ["", "## Join burst", "",
              "Subscribers joining all at once (1 video publisher already sending); join time = WebSocket",
              "(EdgeMesh) or first HTTP request (Janus) started → first video packet received.", "",
              "| SFU | joins | receiving | join p50 (ms) | p90 | p99 | max | → joined p50 / p99 | → DTLS done p50 / p99 | failures |",
              "|---|---:|---:|---:|---:|---:|---:|---|---|---:|"]
    for run in bursts:
        j = run["joinVideoMs"]
        lines.append(f"| {run['target']} | {run['subscribers']} | {run['receiving']} | {fmt(j.get('p50'), 0)} | "
                     f"{fmt(j.get('p90'), 0)} | {fmt(j.get('p99'), 0)} | {fmt(j.get('max'), 0)} | "
                     f"{part(run, 'joinSignalingMs')} | {part(run, 'joinConnectedMs')} | {len(run['failures'])} |")
    lines += ["", "Targets (issue 9): EdgeMesh at most half Janus's CPU per forwarded packet at every N (ratio ≤ 0.5)",
              "with equal or lower p99 and loss; join p50 < 150 ms and p99 < 400 ms for 100 joins in a burst.", ""]
    return "\n".join(lines) + "\n"


def chart(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = pairs(results)
    labels = [f"{shape}\nN={n}" for shape, n, _, _ in rows]
    figure, (cpu_axis, latency_axis) = plt.subplots(1, 2, figsize=(12, 4.5))
    width = 0.38
    positions = range(len(rows))
    for offset, index, name, color in ((-width / 2, 2, "EdgeMesh", "#2b7bb9"), (width / 2, 3, "Janus", "#d95f02")):
        cpu = [per_million(row[index]) or 0 if row[index] else 0 for row in rows]
        p99 = [(row[index]["latencyMs"].get("p99") or 0) if row[index] else 0 for row in rows]
        cpu_axis.bar([p + offset for p in positions], cpu, width, label=name, color=color)
        latency_axis.bar([p + offset for p in positions], p99, width, label=name, color=color)
    cpu_axis.set_title("SFU CPU-seconds per million forwarded packets (lower is better)")
    latency_axis.set_title("latency p99, ms (lower is better)")
    for axis in (cpu_axis, latency_axis):
        axis.set_xticks(list(positions))
        axis.set_xticklabels(labels, fontsize=8)
        axis.legend()
        axis.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


if __name__ == "__main__":
    import json
    import pathlib
    import sys

    raw = pathlib.Path(sys.argv[1])
    data = json.loads(raw.read_text())
    (raw.parent / "loadtest.md").write_text(markdown(data["meta"], data["runs"], data["bursts"]))
    chart(data["runs"], raw.parent / "loadtest.png")
