"""Checks of the deployment files in devops/ and their docs.

No Docker engine runs here, so nothing is deployed: the files are checked with
the real tools that can run offline (promtool, caddy, the compose client) and
against each other (compose services vs. Prometheus targets vs. Caddy
upstreams vs. Grafana provisioning), and every metric name in the Grafana
dashboards is checked against what a running `edgemesh sfu` and `edgemesh
backend` serve, or a short allowlist of planned names.
"""
import asyncio
import json
import os
import pathlib
import re
import secrets
import shutil
import subprocess
import sys
import urllib.request

import pytest

from conftest import ROOT, SFUProcess, edgemesh_bin, free_port, wait_until
from metric_names import dashboard_queries, parse_exposition, promql_names, substitute_variables, unknown_metric_names

DEVOPS = ROOT / "devops"
COMPOSE = DEVOPS / "docker-compose.yml"
DASHBOARDS = sorted((DEVOPS / "grafana" / "dashboards").glob("*.json"))

# Metric names the dashboards use that no process built today serves, with
# their type and labels (the contract for whoever builds them; docs/metrics.md
# describes each). Keep it small: when a name is served, the test below fails
# until it is removed from here.
PLANNED: dict = {}


# ------------------------------------------------------------------ helpers --

def load_yaml(path: pathlib.Path):
    """PyYAML in this interpreter if present, else Debian's python3-yaml."""
    try:
        import yaml  # noqa: PLC0415
        return yaml.safe_load(path.read_text())
    except ImportError:
        pass
    code = "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
    result = subprocess.run(["/usr/bin/python3", "-c", code, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, f"cannot parse {path} (install python3-yaml: devops/bootstrap): {result.stderr}"
    return json.loads(result.stdout)


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed; devops/bootstrap installs it"
    return path


def compose():
    return load_yaml(COMPOSE)


def services_with(data, command):
    return {n: s for n, s in data["services"].items() if s.get("command") == [command]}


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
        return r.read().decode()


def served_families():
    """What a running SFU and a running backend serve, after a join, a ping, a bad
    message and a node that does not answer (the backend registers labelled
    series on first use)."""
    from backend_helpers import BackendProcess, Client, mint  # noqa: PLC0415
    families = {}
    node = SFUProcess(region="us-east", node_id="us-east-1")
    backend = None
    try:
        families.update(parse_exposition(scrape(node.metrics_port)))
        backend = BackendProcess(sfu_addrs=[f"127.0.0.1:{node.grpc_port}", f"127.0.0.1:{free_port()}"])

        async def exercise():
            client = await Client.connect(backend.ws_url(mint(identity="ops")))
            await client.wait_type("joined")
            await client.ping()
            await client.send({"type": "no_such_message", "id": "x"})
            await client.wait_type("error", code="unknown_type")
            await client.close()
        asyncio.run(exercise())
        wanted = ("edgemesh_backend_grpc_errors_total", "edgemesh_region_assignments_total",
                  "edgemesh_backend_errors_total", "edgemesh_backend_messages_total")
        wait_until(lambda: all(n in scrape(backend.port) for n in wanted), 20, "labelled backend series")
        families.update(parse_exposition(scrape(backend.port)))
        families.update(trunk_families())
    finally:
        if backend is not None:
            backend.stop()
        node.stop()
    return families


def trunk_families():
    """What two meshed nodes serve once their trunk is up and has measured
    RTT (the per-region-pair series exist only with trunk peers)."""
    import tempfile  # noqa: PLC0415
    import uuid  # noqa: PLC0415
    from mesh_harness import Mesh, MeshNode  # noqa: PLC0415
    redis_addr = os.environ.get("EDGEMESH_TEST_REDIS_ADDR")
    assert redis_addr, "devops/test exports EDGEMESH_TEST_REDIS_ADDR (a redis-server for the registry)"
    prefix = f"devops-files-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as directory:
        mesh = Mesh(directory)
        nodes = []
        try:
            for name, region in (("mesh-a", "us-east"), ("mesh-b", "eu-central")):
                nodes.append(MeshNode(name, region, mesh.issue(name, region), redis_addr, prefix))
            wait_until(lambda: nodes[0].metric("edgemesh_trunk_rtt_seconds_count", to_region="eu-central") > 0, 30,
                       "a trunk RTT sample from mesh-a to mesh-b")
            return parse_exposition(scrape(nodes[0].metrics_port))
        finally:
            for node in nodes:
                node.stop()


# ------------------------------------------------------------- the checks --

def test_promtool_accepts_prometheus_config():
    result = subprocess.run([tool("promtool"), "check", "config", str(DEVOPS / "prometheus.yml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_prometheus_scrapes_every_backend_and_sfu():
    data, prom = compose(), load_yaml(DEVOPS / "prometheus.yml")
    jobs = {j["job_name"]: {t for sc in j["static_configs"] for t in sc["targets"]} for j in prom["scrape_configs"]}
    backends = {f"{n}:{s['environment']['PORT']}" for n, s in services_with(data, "backend").items()}
    sfus = {f"{n}:{s['environment']['METRICS_PORT']}" for n, s in services_with(data, "sfu").items()}
    assert jobs["edgemesh-backend"] == backends
    assert jobs["edgemesh-sfu"] == sfus
    for job in prom["scrape_configs"]:  # a target label named like a metric label would rename it
        for sc in job["static_configs"]:
            assert not {"node", "region"} & set(sc.get("labels", {})), job["job_name"]


def caddy_env(tmp_path, domain):
    return dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
                XDG_CONFIG_HOME=str(tmp_path / "config"), EDGEMESH_DOMAIN=domain, ACME_EMAIL="ops@example.com")


@pytest.mark.parametrize("domain", ["meet.example.com", "localhost"])
def test_caddy_validates_caddyfile_offline(tmp_path, domain):
    result = subprocess.run([tool("caddy"), "validate", "--config", str(DEVOPS / "Caddyfile"), "--adapter",
                             "caddyfile"], capture_output=True, text=True, env=caddy_env(tmp_path, domain),
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Valid configuration" in result.stdout + result.stderr
    warnings = [l for l in result.stderr.splitlines() if '"level":"warn"' in l]
    assert not warnings, warnings


def handlers(node, kind):
    """Every handler of type `kind` in an adapted Caddy JSON config, with its route's matchers."""
    if isinstance(node, dict):
        for route in node.get("routes", []):
            for handler in route.get("handle", []):
                if handler.get("handler") == kind:
                    yield route.get("match", []), handler
        for value in node.values():
            yield from handlers(value, kind)
    elif isinstance(node, list):
        for value in node:
            yield from handlers(value, kind)


def test_caddy_proxies_to_every_backend_and_hides_metrics(tmp_path):
    result = subprocess.run([tool("caddy"), "adapt", "--config", str(DEVOPS / "Caddyfile")], capture_output=True,
                            text=True, env=caddy_env(tmp_path, "meet.example.com"), timeout=60)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    server = config["apps"]["http"]["servers"]["srv0"]
    assert server["listen"] == [":443"] and server["routes"][0]["match"][0]["host"] == ["meet.example.com"]
    proxies = [h for _, h in handlers(config, "reverse_proxy")]
    assert len(proxies) == 1
    backends = {f"{n}:{s['environment']['PORT']}" for n, s in services_with(compose(), "backend").items()}
    assert {u["dial"] for u in proxies[0]["upstreams"]} == backends
    assert proxies[0]["health_checks"]["active"]["uri"] == "/healthz"
    assert proxies[0]["flush_interval"] == -1, "WebSocket and streamed responses must not be buffered"
    blocked = [m for m, h in handlers(config, "static_response") if h.get("status_code") == 404]
    assert any("/metrics" in matcher.get("path", []) for m in blocked for matcher in m)
    encoders = list(handlers(config, "encode"))
    assert encoders and all("/v1/rtc" in json.dumps(m) for m, _ in encoders), "never compress the signaling socket"
    # Caddy sets X-Forwarded-For itself; nothing in the file may pass the client's on.
    assert "X-Forwarded-For" not in re.sub(r"#.*", "", (DEVOPS / "Caddyfile").read_text())
    assert "trusted_proxies" not in re.sub(r"#.*", "", (DEVOPS / "Caddyfile").read_text())


def filled_env(tmp_path, drop=()):
    text = (DEVOPS / ".env.example").read_text()
    fills = {"JWT_SECRET": secrets.token_hex(32), "TURN_SECRET": secrets.token_hex(32), "GRAFANA_ADMIN_PASSWORD": "test-only"}
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0]
        if key in drop:
            continue
        lines.append(f"{key}={fills[key]}" if key in fills and line == f"{key}=" else line)
    path = tmp_path / "env"
    path.write_text("\n".join(lines) + "\n")
    return path


def compose_client():
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    if shutil.which("docker-compose"):
        return [shutil.which("docker-compose")]
    return None


def test_compose_client_parses_the_stack(tmp_path):
    client = compose_client()
    if client is None:
        pytest.skip("no compose client (docker compose or docker-compose); the structural checks still run")
    ok = subprocess.run([*client, "--env-file", str(filled_env(tmp_path)), "-f", str(COMPOSE), "config", "-q"],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    missing = subprocess.run([*client, "--env-file", str(filled_env(tmp_path, drop={"JWT_SECRET"})), "-f",
                              str(COMPOSE), "config", "-q"], capture_output=True, text=True)
    assert missing.returncode != 0 and "JWT_SECRET" in missing.stderr, "JWT_SECRET must be required"


def test_compose_stack_structure():
    data = compose()
    services = data["services"]
    assert {"redis", "caddy", "prometheus", "grafana"} <= services.keys()
    backends, sfus = services_with(data, "backend"), services_with(data, "sfu")
    assert len(backends) == 2
    regions = {}
    for name, s in sfus.items():
        env = s["environment"]
        assert (ROOT / "regions" / f"{env['REGION']}.yaml").exists(), name
        regions.setdefault(env["REGION"], []).append(env["NODE_ID"])
        assert s["ports"] == [f"{env['RTC_PORT']}:{env['RTC_PORT']}/udp"] + (
            [f"{env['RTC_TCP_PORT']}:{env['RTC_TCP_PORT']}/tcp"] if "RTC_TCP_PORT" in env else []
        ), f"{name}: publish RTC_PORT (and RTC_TCP_PORT, ICE-TCP) as themselves"
        assert env["BIND_HOST"] == "0.0.0.0" and env["ANNOUNCE_IP"], name
    assert len(regions) >= 2 and max(len(n) for n in regions.values()) >= 2, regions
    assert len({n for ns in regions.values() for n in ns}) == len(sfus), "NODE_IDs must be unique"
    assert len({s["environment"]["RTC_PORT"] for s in sfus.values()}) == len(sfus)
    caddy_ip = services["caddy"]["networks"]["edgemesh"]["ipv4_address"]
    for name, s in backends.items():
        env = s["environment"]
        assert env["REDIS_ADDR"] == "redis:6379" and env["BIND_HOST"] == "0.0.0.0"
        assert env["TRUSTED_PROXIES"] == f"{caddy_ip}/32"
        assert set(env["SFU_ADDRS"].split(",")) == {f"{n}:{s['environment']['GRPC_PORT']}" for n, s in sfus.items()}
        assert "ports" not in s, f"{name}: backends are reached through Caddy only"
    # TURN: coturn checks the credentials the backends derive from the same secret.
    turn = services["coturn"]
    assert "--use-auth-secret" in turn["command"] and "--static-auth-secret=${TURN_SECRET:?set TURN_SECRET in devops/.env}" in turn["command"]
    for name, s in backends.items():
        assert s["environment"]["TURN_SECRET"].startswith("${TURN_SECRET"), name
        assert all(u.startswith("turn:") for u in s["environment"]["TURN_URLS"].split(",")), name
    for name in ("prometheus", "grafana"):
        assert all(p.startswith("127.0.0.1:") for p in services[name]["ports"]), f"{name} must stay on loopback"
    for s in [*backends.values(), *sfus.values()]:
        assert s["build"]["context"] == ".." and (DEVOPS / ".." / s["build"]["dockerfile"]).exists()
    grafana_mounts = dict(v.split(":")[:2] for v in services["grafana"]["volumes"])
    provider = load_yaml(DEVOPS / "grafana/provisioning/dashboards/edgemesh.yml")["providers"][0]
    assert grafana_mounts["./grafana/dashboards"] == provider["options"]["path"]
    assert grafana_mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"
    datasource = load_yaml(DEVOPS / "grafana/provisioning/datasources/prometheus.yml")["datasources"][0]
    assert datasource["url"] == "http://prometheus:9090" and datasource["uid"] == "prometheus"


def test_every_compose_variable_is_in_env_example():
    used = set(re.findall(r"\$\{(\w+)", re.sub(r"(?m)(^|\s)#.*$", "", COMPOSE.read_text())))
    text = (DEVOPS / ".env.example").read_text()
    assigned = set(re.findall(r"^(\w+)=", text, re.M))
    assert used - assigned == set(), "compose variables missing from .env.example"
    assert assigned - used - {"COMPOSE_PROJECT_NAME"} == set(), ".env.example sets variables compose never reads"


def cli_variables_and_flags():
    """Environment variables and flags the `edgemesh` command reads (Sources/EdgeMeshCLI)."""
    variables, flags = set(), set()
    for path in (ROOT / "Sources" / "EdgeMeshCLI").glob("*.swift"):
        text = path.read_text()
        variables |= set(re.findall(r'Environment\.(?:string|int)\("([A-Z0-9_]+)"', text))
        for m in re.finditer(r"@(Option|Flag)\(", text):
            depth, i = 1, m.end()
            while depth and i < len(text):
                if text[i] == '"':  # skip a string literal (help texts hold parentheses)
                    i = re.compile(r'"(?:[^"\\\n]|\\.)*"').match(text, i).end()
                    continue
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                i += 1
            attribute, var = text[m.end():i], re.match(r"\s*var\s+(\w+)", text[i:])
            custom = re.search(r'customLong\("([\w-]+)"', attribute)
            flags.add("--" + (custom.group(1) if custom else re.sub(r"(?<!^)([A-Z])", r"-\1", var.group(1)).lower()))
    return variables, flags


ARCHITECTURE_VARIABLES = {"JWT_SECRET", "PORT", "REDIS_ADDR", "GEOIP_DB", "REGIONS_DIR", "DEFAULT_REGION",
                          "TRUSTED_PROXIES", "SFU_ADDRS", "PUBLIC_WS_URL", "REGION", "NODE_ID", "GRPC_PORT",
                          "RTC_PORT", "ANNOUNCE_IP", "TRUNK_PORT", "MESH_CREDENTIAL", "METRICS_PORT"}


def test_every_variable_and_flag_is_documented():
    variables, flags = cli_variables_and_flags()
    assert {"REGION", "--node-id", "--metrics-port"} <= variables | flags, "the CLI parser found nothing"
    sentence = re.search(r"environment variable of the same meaning \(([^)]*)\)",
                         (ROOT / "docs" / "sfu-node.md").read_text()).group(1)
    sfu_doc = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", sentence))
    env_example = (DEVOPS / ".env.example").read_text()
    configuration = (ROOT / "docs" / "configuration.md").read_text()
    for name in sorted(variables | sfu_doc | ARCHITECTURE_VARIABLES):
        assert re.search(rf"^#?\s*{name}=", env_example, re.M), f"{name} not in devops/.env.example"
        assert f"`{name}`" in configuration, f"{name} not in docs/configuration.md"
    for flag in sorted(flags):
        assert f"`{flag}" in configuration, f"{flag} not in docs/configuration.md"


def runtime_packages():
    stages = re.split(r"^FROM ", (DEVOPS / "Dockerfile").read_text(), flags=re.M)
    runtime = stages[-1]
    assert runtime.startswith("debian:bookworm-slim") and re.search(r"swift:\$\{SWIFT_VERSION\}-bookworm", stages[1])
    install = re.search(r"apt-get install[^\n]*\\\n(.*?)(?<!\\)\n", runtime, re.S).group(1)
    return runtime, set(re.findall(r"[a-z0-9][a-z0-9.+-]+", install.split("&&")[0].replace("\\", " ")))


def test_dockerfile_runtime_has_every_shared_library_the_binary_needs():
    runtime, packages = runtime_packages()
    builder = re.split(r"^FROM ", (DEVOPS / "Dockerfile").read_text(), flags=re.M)[1]
    assert "swift build -c release --product edgemesh" in builder and "pkg-config" in builder
    assert re.search(r"^USER (?!root)\w+", runtime, re.M) and "COPY --chown=root:root regions /app/regions" in runtime
    assert "--static-swift-stdlib" in (DEVOPS / "Dockerfile").read_text()
    readelf = subprocess.run(["readelf", "-d", edgemesh_bin()], capture_output=True, text=True, check=True).stdout
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", readelf))
    assert "libsrtp2.so.1" in needed
    swift_runtime = {p.name for p in pathlib.Path(shutil.which("swift")).resolve().parents[1].glob("lib/swift/linux/*.so")}
    for soname in sorted(needed - swift_runtime - {"ld-linux-x86-64.so.2"}):
        owner = subprocess.run(["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True).stdout
        pkgs = {l.split(":")[0] for l in owner.splitlines() if l.endswith("/" + soname)}
        assert pkgs, f"no Debian package provides {soname}"
        assert pkgs & (packages | {"libc6"}), f"{soname} ({pkgs}) missing from the runtime stage of devops/Dockerfile"
    for dev in ("libssl-dev", "libsrtp2-dev", "libsodium-dev", "libhiredis-dev", "libmaxminddb-dev"):
        assert dev in builder, f"{dev} missing from the builder stage"
        depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", dev], capture_output=True, text=True).stdout
        assert {d.split()[0] for d in depends.split(", ")} & packages, f"runtime half of {dev} missing"


def test_dashboards_are_generated_and_well_formed():
    check = subprocess.run([sys.executable, str(DEVOPS / "grafana" / "make_dashboards.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    assert {d.name for d in DASHBOARDS} == {"edgemesh-latency.json", "edgemesh-quality.json", "edgemesh-capacity.json"}
    uids = set()
    for path in DASHBOARDS:
        dash = json.loads(path.read_text())
        assert dash["uid"] not in uids
        uids.add(dash["uid"])
        defined = {v["name"] for v in dash["templating"]["list"]}
        cells, ids = set(), set()
        for p in dash["panels"]:
            assert p["id"] not in ids
            ids.add(p["id"])
            g = p["gridPos"]
            assert g["x"] + g["w"] <= 24
            area = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
            assert not cells & area, f"{path.name}: {p['title']} overlaps another panel"
            cells |= area
            if p["type"] != "row":
                assert p["targets"] and len({t["refId"] for t in p["targets"]}) == len(p["targets"]), p["title"]
                used = set(re.findall(r"\$\{?(\w+)", json.dumps(p))) - {"__rate_interval", "__interval", "__range"}
                assert used <= defined, f"{path.name}: {p['title']} uses undefined {used - defined}"


def test_dashboard_queries_are_valid_promql(tmp_path):
    rules = [{"record": f"dashboard:expr_{i}", "expr": substitute_variables(expr)}
             for i, (_, expr) in enumerate(q for d in DASHBOARDS for q in dashboard_queries(json.loads(d.read_text())))]
    assert len(rules) > 30
    path = tmp_path / "rules.yml"
    path.write_text(json.dumps({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = subprocess.run([tool("promtool"), "check", "rules", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_metric_name_check_catches_unknown_names_and_labels():
    fake = {"edgemesh_sfu_participants": ("gauge", frozenset({"node", "region"}))}
    dash = {"uid": "t", "templating": {"list": []}, "panels": [{"title": "p", "targets": [
        {"expr": 'sum by (region) (rate(edgemesh_sfu_participantz{region=~"$region"}[$__rate_interval]))'},
        {"expr": 'sum by (zone) (edgemesh_sfu_participants{colour="x"})'},
        {"expr": 'histogram_quantile(0.9, sum by (le) (rate(edgemesh_trunk_rtt_seconds_bucket[5m])))'}]}]}
    planned = {"edgemesh_trunk_rtt_seconds": ("histogram", ("node", "region", "from_region", "to_region"))}
    problems = unknown_metric_names([dash], fake, planned)
    assert any("unknown metric edgemesh_sfu_participantz" in p for p in problems), problems
    assert any("has no label colour" in p for p in problems) and any("has label zone" in p for p in problems)
    assert len(problems) == 3, problems
    names, _, grouping = promql_names('max_over_time(rate(a_total{x="rate(b)"}[5m] offset 1h)[1h:]) * on (n) c')
    assert names == {"a_total", "c"} and grouping == {"n"}


def test_every_dashboard_metric_is_served_or_planned():
    families = served_families()
    assert "edgemesh_sfu_participants" in families and "edgemesh_sfu_drops_total" in families
    dashboards = [json.loads(p.read_text()) for p in DASHBOARDS]
    problems = unknown_metric_names(dashboards, families, PLANNED)
    assert not problems, "\n".join(problems)
    stale = sorted(PLANNED.keys() & families.keys())
    assert not stale, f"served now, remove from PLANNED: {stale}"
    used = set()
    for dash in dashboards:
        for _, expr in dashboard_queries(dash):
            used |= {re.sub(r"_(bucket|sum|count)$", "", n) for n in promql_names(expr)[0]}
    assert PLANNED.keys() <= used, f"PLANNED names no dashboard uses: {sorted(PLANNED.keys() - used)}"
    metrics_doc = (ROOT / "docs" / "metrics.md").read_text()
    undocumented = sorted(n for n in set(families) | set(PLANNED)
                          if n.startswith("edgemesh_") and f"`{n}" not in metrics_doc)
    assert not undocumented, f"not in docs/metrics.md: {undocumented}"
