#!/usr/bin/env python3
"""Turns the JSON lines of edgemesh-bench fanout runs into benchmarks/results/fanout.md."""
import argparse
import datetime
import json
import os
import subprocess

TARGET_PPS_PER_CORE = 150_000
TARGET_P99_US = 2_000
TARGET_RSS_KIB = 64
LOSS_FREE = 0.01  # percent: "no loss" allows a packet or two in a million-packet window


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def git(*args):
    try:
        return subprocess.check_output(["git", *args], text=True).strip()
    except Exception:  # noqa: BLE001
        return "unknown"


def offered(r):
    """Packets/s the subscribers should have received: published in the window × N."""
    return r["packetsPublished"] * r["subscribers"] / r["windowSeconds"] if r.get("windowSeconds") else 0


QUEUE_P99_US = 50_000


def sustained(r):
    """No loss, and the SFU kept up: subscribers got ≥ 97 % of what was offered and
    no standing queue built up (p99 under 50 ms)."""
    return (not r.get("failed") and r["lossPercent"] <= LOSS_FREE
            and r["forwardedPacketsPerSecond"] >= 0.97 * offered(r)
            and (r.get("latencyP99Microseconds") or 0) < QUEUE_P99_US)


def fmt(value, digits=0):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("raw")
    parser.add_argument("out")
    parser.add_argument("--duration")
    parser.add_argument("--packet-size")
    parser.add_argument("--load", default="")
    parser.add_argument("--pinned", default="no")
    parser.add_argument("--nice", default="0")
    args = parser.parse_args()
    runs = [json.loads(line) for line in open(args.raw) if line.strip()]

    lines = [
        "# SFU fan-out benchmark",
        "",
        "1 publisher (synthetic VP8, real ICE/DTLS/SRTP) → N subscribers through one `edgemesh sfu`",
        "(release build), measured by `edgemesh-bench fanout` (`benchmarks/fanout/run.sh`).",
        "",
        f"- machine: {os.cpu_count()} cores (`nproc` {git_nproc()}), {cpu_model()}",
        f"- commit: {git('rev-parse', '--short', 'HEAD')} ({git('log', '-1', '--format=%cd', '--date=iso')})",
        f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- window: {args.duration} s per run (each row's own length is in the JSON), RTP packets of {args.packet_size} bytes (+16 bytes SRTP GCM tag)",
        f"- SFU pinned to CPU 0, load generator to CPU 1: {args.pinned}; own sessions with autogroup nice {args.nice};"
        f" machine load average (shared machine) before → after: {args.load}",
        "- forwarded pps = packets the subscribers received per second; loss from RTP sequence gaps;",
        "  latency = publisher send → subscriber receive (CLOCK_MONOTONIC in the payload), over the decrypted sample;",
        "  at socket = publisher send → the kernel queued the packet on the subscriber's socket (SIOCGSTAMPNS, same sample):",
        "  the same path without the load generator's own delay in reading hundreds of sockets on one thread;",
        "  SFU CPU from /proc/PID/stat (utime+stime) over the window; pps/core = forwarded pps ÷ SFU cores used;",
        "  RSS/sub = (VmRSS after the window − VmRSS before peers connected) ÷ N.",
        "",
        "| N | publisher pps | window (s) | offered pps | forwarded pps | SFU-counted fwd pps | loss % | latency p50 / p99 / max (µs) | at socket p50 / p99 / max (µs) | SFU cores | SFU µs/pkt | pps per core | RSS/sub (KiB) | loadgen cores | kernel rcvbuf drops |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        if r.get("failed"):
            lines.append(f"| {r['subscribers']} | {r['publisherRate']} | | | run failed | | | | | | | | | | |")
            continue
        latency = " / ".join(fmt(r.get(k)) for k in ("latencyP50Microseconds", "latencyP99Microseconds", "latencyMaxMicroseconds"))
        at_socket = " / ".join(fmt(r.get(k)) for k in ("socketLatencyP50Microseconds", "socketLatencyP99Microseconds",
                                                        "socketLatencyMaxMicroseconds"))
        lines.append(
            f"| {r['subscribers']} | {r['publisherRate']} | {fmt(r['windowSeconds'], 1)} | {fmt(offered(r))} | {fmt(r['forwardedPacketsPerSecond'])}{'' if sustained(r) else ' ✗'} "
            f"| {fmt(r.get('sfuForwardedPacketsPerSecond'))} | {r['lossPercent']:.3f} "
            f"| {latency} | {at_socket} | {fmt(r.get('sfuCPUCores'), 2)} | {fmt(r.get('sfuCPUMicrosecondsPerPacket'), 2)} "
            f"| {fmt(r.get('forwardedPacketsPerSecondPerCore'))} | {fmt(r.get('sfuRSSPerSubscriberKiB'), 1)} "
            f"| {fmt(r.get('loadGeneratorCPUCores'), 2)} | {r.get('kernelReceiveBufferDrops', 'n/a')} |")

    lines += ["", "✗: not sustained: loss > 0.01 %, subscribers received < 97 % of the offered packets, or p99 ≥ 50 ms"
              " (a queue built up: the SFU or the machine fell behind).",
              "", "## Best sustained run per N", "",
              "| N | publisher pps | forwarded pps | SFU µs/pkt | pps per core | p50 / p99 (µs) | at socket p50 / p99 (µs) | RSS/sub (KiB) |",
              "|---:|---:|---:|---:|---:|---|---|---:|"]
    best = {}
    for r in runs:
        if not sustained(r):
            continue
        n = r["subscribers"]
        if n not in best or r["forwardedPacketsPerSecond"] > best[n]["forwardedPacketsPerSecond"]:
            best[n] = r
    for n in sorted(best):
        r = best[n]
        lines.append(f"| {n} | {r['publisherRate']} | {fmt(r['forwardedPacketsPerSecond'])} "
                     f"| {fmt(r.get('sfuCPUMicrosecondsPerPacket'), 2)} | {fmt(r.get('forwardedPacketsPerSecondPerCore'))} "
                     f"| {fmt(r.get('latencyP50Microseconds'))} / {fmt(r.get('latencyP99Microseconds'))} "
                     f"| {fmt(r.get('socketLatencyP50Microseconds'))} / {fmt(r.get('socketLatencyP99Microseconds'))} "
                     f"| {fmt(r.get('sfuRSSPerSubscriberKiB'), 1)} |")

    lines += ["", "## Against the targets", ""]
    ok = [r for r in runs if not r.get("failed")]
    if ok:
        for n in sorted({r["subscribers"] for r in ok}):
            rows = [r for r in ok if r["subscribers"] == n and sustained(r)] or [r for r in ok if r["subscribers"] == n]
            per_core = max((r.get("forwardedPacketsPerSecondPerCore") or 0) for r in rows)
            lines.append(f"- ≥ {TARGET_PPS_PER_CORE:,} forwarded SRTP packets/s per core at N={n}: {per_core:,.0f} "
                         f"({'met' if per_core >= TARGET_PPS_PER_CORE else f'missed by {100 * (1 - per_core / TARGET_PPS_PER_CORE):.0f} %'})")
        for key, what in (("latencyP99Microseconds", "at the subscriber's read"),
                          ("socketLatencyP99Microseconds", "at the subscriber's socket")):
            for n in sorted({r["subscribers"] for r in ok}):
                free = [r for r in ok if r["subscribers"] == n and sustained(r) and r.get(key) is not None]
                if free:
                    worst = max(r[key] for r in free)
                    lines.append(f"- p99 added latency < {TARGET_P99_US} µs {what}, N={n} (sustained runs): worst {worst:,.0f} µs "
                                 f"({'met' if worst < TARGET_P99_US else 'missed'})")
        big = [r for r in ok if r["subscribers"] >= 500 and r.get("sfuRSSPerSubscriberKiB") is not None]
        big = [r for r in big if sustained(r)] or big
        if big:
            rss = min(r["sfuRSSPerSubscriberKiB"] for r in big)
            lines.append(f"- ≤ {TARGET_RSS_KIB} KiB RSS per subscriber at N=500 (sustained runs, lowest): {rss:,.1f} KiB "
                         f"({'met' if rss <= TARGET_RSS_KIB else 'missed'})")
    lines.append("")
    findings = os.path.join(os.path.dirname(os.path.abspath(__file__)), "findings.md")
    if os.path.exists(findings):
        lines += [open(findings).read()]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))


def git_nproc():
    try:
        return subprocess.check_output(["nproc"], text=True).strip()
    except Exception:  # noqa: BLE001
        return "?"


if __name__ == "__main__":
    main()
