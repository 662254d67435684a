#!/usr/bin/env python3
"""EdgeMesh vs Janus, side by side, driven by the same load tester.

Runs `edgemesh loadtest` against `edgemesh dev` (one region, so one SFU node
in the process) and against Debian's Janus (VideoRoom, HTTP API, ICE-lite on
a veth address), with the same simulated peers and media, inside a private
network namespace; then the 100-joins burst against `edgemesh dev`. Writes
benchmarks/results/loadtest.md, loadtest-raw.json and loadtest.png.

    swift build -c release --product edgemesh        # once
    benchmarks/loadtest_vs_janus.py                    # everything (~6 min)
    benchmarks/loadtest_vs_janus.py --quick            # N=10 only, 4 s windows

Needs root (ip netns), janus (devops/bootstrap), matplotlib in the venv.
"""
import argparse
import datetime
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks" / "loadtest"))
import janus_config  # noqa: E402
import report  # noqa: E402

NS = f"lt-bench-{os.getpid()}"
JANUS_ADDR, JANUS_IF = "10.77.0.1", "vj0"


def sh(*args, check=True, **kwargs):
    return subprocess.run(list(args), check=check, **kwargs)


def in_ns(*args):
    return ["ip", "netns", "exec", NS, *args]


def pin(cpu):
    """taskset prefix pinning to one CPU when the machine has two or more."""
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and os.cpu_count() >= 2 else []


def wait_http(url, timeout=30, method="GET", body=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, data=body, method=method)
            with urllib.request.urlopen(request, timeout=1):
                return
        except Exception:  # noqa: BLE001 - retried until the deadline
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def ns_http_ok(url):
    """urllib from the root namespace cannot reach the namespace: ask curl-less python inside it."""
    code = f"import urllib.request;urllib.request.urlopen('{url}',timeout=1)"
    return subprocess.run(in_ns(sys.executable, "-c", code), capture_output=True).returncode == 0


def wait_ns_http(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ns_http_ok(url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def wait_ns_healthy_node(url, timeout=30):
    """Until the backend lists a healthy SFU node (joins before that get no_sfu_available)."""
    code = ("import json,sys,urllib.request;r=json.loads(urllib.request.urlopen(sys.argv[1],timeout=1).read());"
            "sys.exit(0 if any(n['healthy'] for g in r for n in g['nodes']) else 1)")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(in_ns(sys.executable, "-c", code, url), capture_output=True).returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"no healthy SFU node at {url} in {timeout} s")


class Server:
    def __init__(self, name, command, log_path):
        self.name = name
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(in_ns(*command), stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def pid(self, comm):
        """The pid of the real server (ip netns exec and taskset exec into it)."""
        return self.proc.pid

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def loadtest(binary, args, log_path, timeout):
    command = in_ns(*pin(1), binary, "loadtest", "--json", "--threads", "1", *args)
    with open(log_path, "w") as log:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=log, timeout=timeout, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"loadtest failed ({done.returncode}), see {log_path}")
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "edgemesh"))
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--video-kbps", type=int, default=1500)
    parser.add_argument("--fanout", default="10,50,200", help="subscriber counts for 1 publisher → N")
    parser.add_argument("--audio-subscribers", type=int, default=100)
    parser.add_argument("--burst", type=int, default=100, help="joins in the burst against edgemesh dev")
    parser.add_argument("--quick", action="store_true", help="N=10 only, 4 s windows, 20 audio subscribers, burst 20")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    options = parser.parse_args()
    if options.quick:
        options.duration, options.fanout, options.audio_subscribers, options.burst = 4, "10", 20, 20
    binary = options.binary
    assert os.access(binary, os.X_OK), f"{binary} missing: swift build -c release --product edgemesh"
    assert shutil.which("janus"), "janus is not installed (devops/bootstrap)"
    work = pathlib.Path(tempfile.mkdtemp(prefix="loadtest-bench-"))
    out = pathlib.Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    load_before = open("/proc/loadavg").read().split()[:3]

    sh("ip", "netns", "add", NS)
    servers = []
    try:
        sh("ip", "-n", NS, "link", "set", "lo", "up")
        sh("ip", "-n", NS, "link", "add", JANUS_IF, "type", "veth", "peer", "name", "vj1")
        sh("ip", "-n", NS, "addr", "add", f"{JANUS_ADDR}/24", "dev", JANUS_IF)
        sh("ip", "-n", NS, "link", "set", JANUS_IF, "up")
        sh("ip", "-n", NS, "link", "set", "vj1", "up")

        regions = work / "regions"
        regions.mkdir()
        shutil.copy(ROOT / "regions" / "us-east.yaml", regions / "us-east.yaml")
        edgemesh = Server("edgemesh", [*pin(0), binary, "dev", "--regions-dir", str(regions), "--port", "18090",
                                       "--base-port", "53051", "--log-level", "warning"], work / "edgemesh-dev.log")
        servers.append(edgemesh)
        rooms = range(1001, 1021)
        janus_cfg = janus_config.write_config(work / "janus", JANUS_IF, JANUS_ADDR, 8088, rooms)
        janus = Server("janus", [*pin(0), "janus", "-F", str(janus_cfg.parent), "-C", str(janus_cfg)], work / "janus.log")
        servers.append(janus)
        wait_ns_http("http://127.0.0.1:18090/healthz")
        wait_ns_healthy_node("http://127.0.0.1:18090/v1/regions")
        wait_ns_http(f"http://{JANUS_ADDR}:8088/janus/info")

        targets = {
            "edgemesh": (["--url", "http://127.0.0.1:18090", "--sfu-pid", str(edgemesh.proc.pid)], None),
            "janus": (["--target", "janus", "--url", f"http://{JANUS_ADDR}:8088", "--bind-host", JANUS_ADDR,
                       "--sfu-pid", str(janus.proc.pid)], rooms),
        }
        room_iter = iter(rooms)
        common = ["--duration", str(options.duration), "--join-timeout", "60", "--join-concurrency", "20"]
        shapes = [("video-fanout", n, ["--scenario", "video-fanout", "--subscribers", str(n), "--no-audio",
                                       "--video-kbps", str(options.video_kbps)])
                  for n in [int(x) for x in options.fanout.split(",")]]
        shapes.append(("audio-fanout", options.audio_subscribers,
                       ["--scenario", "audio-fanout", "--publishers", "10", "--subscribers", str(options.audio_subscribers)]))
        results = []
        for shape, n, args in shapes:
            for name, (target_args, janus_rooms) in targets.items():
                extra = ["--room", str(next(room_iter))] if janus_rooms else []
                print(f"== {shape} N={n} on {name}", flush=True)
                data = loadtest(binary, [*target_args, *extra, *common, *args], work / f"{shape}-{n}-{name}.log",
                                timeout=options.duration + 240)
                data["shape"], data["n"] = shape, n
                results.append(data)
                print(f"   fwd {data['receivedPacketsPerSecond']:.0f} pps, loss {data['lossPercent']:.3f} %, "
                      f"p99 {data['latencyMs'].get('p99')} ms, CPU-s/M {(data.get('sfu') or {}).get('cpuSecondsPerMillionPackets')}, "
                      f"failures {len(data['failures'])}", flush=True)
        bursts = []
        for name, (target_args, janus_rooms) in targets.items():
            extra = ["--room", str(next(room_iter))] if janus_rooms else []
            print(f"== join burst of {options.burst} on {name}", flush=True)
            data = loadtest(binary, [*target_args, *extra, "--scenario", "video-fanout", "--subscribers", str(options.burst),
                                     "--join-concurrency", "0", "--duration", "2", "--join-timeout", "60", "--no-audio",
                                     "--video-kbps", "600"], work / f"burst-{name}.log", timeout=300)
            bursts.append(data)
            print(f"   join ms p50 {data['joinVideoMs'].get('p50')} p99 {data['joinVideoMs'].get('p99')}", flush=True)
    finally:
        for server in servers:
            server.stop()
        subprocess.run(["ip", "netns", "del", NS], check=False)

    commit = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h (%ci)"], capture_output=True, text=True).stdout.strip()
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit, "cpus": os.cpu_count(), "cpu_model": report.cpu_model(),
        "janus": subprocess.run(["janus", "--version"], capture_output=True, text=True).stdout.split("\n")[0],
        "duration": options.duration, "video_kbps": options.video_kbps,
        "load_before": load_before, "load_after": open("/proc/loadavg").read().split()[:3],
        "pinned": bool(pin(0)), "work": str(work),
    }
    (out / "loadtest-raw.json").write_text(json.dumps({"meta": meta, "runs": results, "bursts": bursts}, indent=1))
    (out / "loadtest.md").write_text(report.markdown(meta, results, bursts))
    try:
        report.chart(results, out / "loadtest.png")
    except ModuleNotFoundError as error:  # matplotlib lives in the venv
        venv = ROOT / ".venv" / "bin" / "python"
        subprocess.run([str(venv), "-c", "import json, pathlib, sys; sys.path.insert(0, sys.argv[1]); import report; "
                        "report.chart(json.load(open(sys.argv[2]))['runs'], pathlib.Path(sys.argv[3]))",
                        str(ROOT / "benchmarks" / "loadtest"), str(out / "loadtest-raw.json"), str(out / "loadtest.png")],
                       check=True)
        print(f"({error.name} is not in this Python: the chart was drawn with {venv})")
    print(f"wrote {out / 'loadtest.md'} and loadtest.png (logs in {work})")


if __name__ == "__main__":
    main()
