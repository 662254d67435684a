#!/usr/bin/env python3
"""Writes the EdgeMesh Grafana dashboards (devops/grafana/dashboards/*.json).

The JSON files are generated so that the three dashboards share one layout
and one set of conventions; edit this file, run it, commit both. The test
Tests/integration/test_devops_files.py fails when the committed JSON differs
from what this script writes, and when a dashboard uses a metric name that
no running EdgeMesh process serves (docs/metrics.md lists every name).

    python3 devops/grafana/make_dashboards.py          # rewrite the JSON files
    python3 devops/grafana/make_dashboards.py --check  # exit 1 if they are stale
"""
import json
import pathlib
import sys

OUT = pathlib.Path(__file__).resolve().parent / "dashboards"
DS = {"type": "prometheus", "uid": "${datasource}"}
RI = "$__rate_interval"
SFU = 'region=~"$region"'
SFU_NODE = 'region=~"$region", node=~"$node"'


class Layout:
    """Places panels left to right on Grafana's 24-column grid."""

    def __init__(self):
        self.x, self.y, self.row_height, self.next_id = 0, 0, 0, 1
        self.panels = []

    def _place(self, panel, w, h):
        if self.x + w > 24:
            self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        panel["id"] = self.next_id
        self.next_id += 1
        panel["gridPos"] = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.x += w
        self.row_height = max(self.row_height, h)
        self.panels.append(panel)

    def row(self, title):
        if self.x:
            self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        self._place({"type": "row", "title": title, "collapsed": False, "panels": []}, 24, 1)
        self.x, self.y, self.row_height = 0, self.y + 1, 0

    def add(self, panel, w=12, h=8):
        self._place(panel, w, h)


def target(expr, legend="", ref="A", **extra):
    t = {"datasource": DS, "refId": ref, "expr": expr, "legendFormat": legend, "range": True}
    t.update(extra)
    return t


def refs(exprs):
    return [target(e, l, chr(ord("A") + i)) for i, (e, l) in enumerate(exprs)]


def timeseries(title, description, exprs, unit="short", stack=False, min_zero=True):
    custom = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "showPoints": "never",
              "spanNulls": False, "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
    defaults = {"unit": unit, "custom": custom, "color": {"mode": "palette-classic"}}
    if min_zero:
        defaults["min"] = 0
    return {
        "type": "timeseries", "title": title, "description": description, "datasource": DS,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "bottom", "showLegend": True,
                               "calcs": ["mean", "max", "lastNotNull"]},
                    "tooltip": {"mode": "multi", "sort": "desc"}},
        "targets": refs(exprs),
    }


def stat(title, description, expr, unit="short"):
    return {
        "type": "stat", "title": title, "description": description, "datasource": DS,
        "fieldConfig": {"defaults": {"unit": unit, "color": {"mode": "thresholds"},
                                     "thresholds": {"mode": "absolute", "steps": [{"color": "blue", "value": None}]}},
                        "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "colorMode": "value", "graphMode": "area", "textMode": "auto", "justifyMode": "auto",
                    "orientation": "auto"},
        "targets": [target(expr, "", "A")],
    }


def heatmap(title, description, bucket_expr, unit="s"):
    return {
        "type": "heatmap", "title": title, "description": description, "datasource": DS,
        "fieldConfig": {"defaults": {"custom": {"hideFrom": {"legend": False, "tooltip": False, "viz": False},
                                                "scaleDistribution": {"type": "linear"}}},
                        "overrides": []},
        "options": {"calculate": False, "cellGap": 1, "yAxis": {"axisPlacement": "left", "unit": unit},
                    "color": {"mode": "scheme", "scheme": "Oranges", "steps": 64, "exponent": 0.5, "fill": "dark-orange",
                              "reverse": False, "scale": "exponential"},
                    "rowsFrame": {"layout": "auto"}, "tooltip": {"mode": "single", "yHistogram": True},
                    "legend": {"show": True}, "filterValues": {"le": 1e-9}},
        "targets": [target(bucket_expr, "{{le}}", "A", format="heatmap")],
    }


def matrix(title, description, expr, unit="s", warn=0.15, bad=0.3):
    """An instant query grouped into a from_region x to_region table."""
    return {
        "type": "table", "title": title, "description": description, "datasource": DS,
        "fieldConfig": {
            "defaults": {"unit": unit, "decimals": 1,
                         "custom": {"align": "center", "cellOptions": {"type": "color-background", "mode": "basic"}},
                         "color": {"mode": "thresholds"},
                         "thresholds": {"mode": "absolute", "steps": [
                             {"color": "green", "value": None}, {"color": "orange", "value": warn},
                             {"color": "red", "value": bad}]}},
            "overrides": [{"matcher": {"id": "byName", "options": "from_region\\to_region"},
                           "properties": [{"id": "custom.cellOptions", "value": {"type": "auto"}},
                                          {"id": "displayName", "value": "from \\ to"}]}]},
        "options": {"showHeader": True, "cellHeight": "sm", "footer": {"show": False}},
        "transformations": [{"id": "groupingToMatrix",
                             "options": {"columnField": "to_region", "rowField": "from_region",
                                         "valueField": "Value", "emptyValue": "null"}}],
        "targets": [target(expr, "", "A", instant=True, range=False, format="table")],
    }


def quantiles(metric, by, legend_prefix, selector=""):
    sel = "{" + selector + "}" if selector else ""
    return [(f"histogram_quantile({q}, sum by ({by}, le) (rate({metric}_bucket{sel}[{RI}])))",
             f"{legend_prefix}p{int(q * 100)}") for q in (0.5, 0.95, 0.99)]


def variables(with_node):
    items = [
        {"type": "datasource", "name": "datasource", "label": "Datasource", "query": "prometheus",
         "current": {"text": "Prometheus", "value": "prometheus"}, "hide": 0, "refresh": 1},
        {"type": "query", "name": "region", "label": "Region", "datasource": DS,
         "definition": "label_values(edgemesh_sfu_participants, region)",
         "query": {"query": "label_values(edgemesh_sfu_participants, region)", "refId": "region"},
         "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2, "sort": 1,
         "current": {"text": "All", "value": "$__all"}, "hide": 0},
    ]
    if with_node:
        items.append(
            {"type": "query", "name": "node", "label": "Node", "datasource": DS,
             "definition": 'label_values(edgemesh_sfu_participants{region=~"$region"}, node)',
             "query": {"query": 'label_values(edgemesh_sfu_participants{region=~"$region"}, node)', "refId": "node"},
             "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2, "sort": 1,
             "current": {"text": "All", "value": "$__all"}, "hide": 0})
    return items


def dashboard(uid, title, description, layout, with_node=False):
    return {
        "uid": uid, "title": title, "description": description, "tags": ["edgemesh"],
        "editable": False, "graphTooltip": 1, "refresh": "10s", "schemaVersion": 39, "version": 1,
        "time": {"from": "now-1h", "to": "now"}, "timezone": "browser",
        "timepicker": {}, "annotations": {"list": []},
        "links": [{"type": "dashboards", "tags": ["edgemesh"], "asDropdown": True, "title": "EdgeMesh",
                   "includeVars": True, "keepTime": True}],
        "templating": {"list": variables(with_node)},
        "panels": layout.panels,
    }


def latency():
    L = Layout()
    L.row("Trunks between regions")
    L.add(matrix("Trunk RTT p50, from region → to region",
                 "Median round-trip time of each trunk over the last 5 minutes, from ping/pong frames; "
                 "rows are the measuring region, columns the far end.",
                 "histogram_quantile(0.5, sum by (from_region, to_region, le) "
                 "(rate(edgemesh_trunk_rtt_seconds_bucket[5m])))"), 12, 8)
    L.add(matrix("Trunk one-way delay p50, from region → to region",
                 "Median one-way delay (origin send time to arrival, clocks corrected by the trunk's "
                 "RTT exchange) over the last 5 minutes.",
                 "histogram_quantile(0.5, sum by (from_region, to_region, le) "
                 "(rate(edgemesh_trunk_one_way_delay_seconds_bucket[5m])))", warn=0.08, bad=0.15), 12, 8)
    L.add(timeseries("Trunk RTT p95 per region pair",
                     "95th percentile trunk RTT; a step up is a routing change or congestion between regions.",
                     [(f'histogram_quantile(0.95, sum by (from_region, to_region, le) '
                       f'(rate(edgemesh_trunk_rtt_seconds_bucket{{from_region=~"$region"}}[{RI}])))',
                       "{{from_region}} → {{to_region}}")], unit="s"))
    L.add(timeseries("Trunk one-way delay p95 per region pair",
                     "95th percentile one-way delay; asymmetry between A→B and B→A shows which path is slow.",
                     [(f'histogram_quantile(0.95, sum by (from_region, to_region, le) '
                       f'(rate(edgemesh_trunk_one_way_delay_seconds_bucket{{from_region=~"$region"}}[{RI}])))',
                       "{{from_region}} → {{to_region}}")], unit="s"))
    L.add(heatmap("Trunk RTT distribution (selected regions)",
                  "Every RTT sample of the trunks leaving the selected regions, bucketed.",
                  f'sum by (le) (increase(edgemesh_trunk_rtt_seconds_bucket{{from_region=~"$region"}}[{RI}]))'), 24, 8)
    L.row("Joins")
    L.add(timeseries("Join latency (WebSocket open → both transports connected)",
                     "What a user waits for before media flows: token check, region choice, transport "
                     "creation, SDP exchange, ICE and DTLS.",
                     quantiles("edgemesh_backend_join_latency_seconds", "job", ""), unit="s"))
    L.add(timeseries("Join signaling latency (WebSocket open → joined)",
                     "The backend's share of a join: token check, region choice, gRPC transport creation.",
                     quantiles("edgemesh_backend_join_signaling_seconds", "job", ""), unit="s"))
    L.row("Forwarding")
    L.add(timeseries("Forwarding latency per region",
                     "Time from a publisher's packet arriving at a node to its copies leaving for "
                     "subscribers (decrypt, route, re-encrypt, send).",
                     [(f'histogram_quantile(0.5, sum by (region, le) '
                       f'(rate(edgemesh_sfu_forwarding_latency_seconds_bucket{{{SFU}}}[{RI}])))', "{{region}} p50"),
                      (f'histogram_quantile(0.99, sum by (region, le) '
                       f'(rate(edgemesh_sfu_forwarding_latency_seconds_bucket{{{SFU}}}[{RI}])))', "{{region}} p99")],
                     unit="s"))
    L.add(heatmap("Forwarding latency distribution (selected regions)",
                  "Every forwarded packet's time inside the node, bucketed.",
                  f'sum by (le) (increase(edgemesh_sfu_forwarding_latency_seconds_bucket{{{SFU}}}[{RI}]))'))
    return dashboard("edgemesh-latency", "EdgeMesh / Latency",
                     "Trunk RTT and one-way delay per region pair, join latency, forwarding latency.", L)


def loss_ratio(direction, denominator):
    lost = f'sum by (region) (rate(edgemesh_sfu_packets_lost_total{{{SFU}, direction="{direction}"}}[{RI}]))'
    return f"{lost} / ({lost} + sum by (region) (rate({denominator}{{{SFU}}}[{RI}])))"


def quality():
    L = Layout()
    L.row("Loss and jitter")
    L.add(timeseries("Loss, publisher → node (inbound)",
                     "Share of publishers' RTP packets that never arrived (RFC 3550 cumulative loss) per region.",
                     [(loss_ratio("inbound", "edgemesh_sfu_packets_received_total"), "{{region}}")],
                     unit="percentunit"), 8, 8)
    L.add(timeseries("Loss, node → subscriber (outbound)",
                     "Loss that subscribers report in their RTCP receiver reports, per region.",
                     [(loss_ratio("outbound", "edgemesh_sfu_packets_forwarded_total"), "{{region}}")],
                     unit="percentunit"), 8, 8)
    L.add(timeseries("Jitter p95 per region and direction",
                     "Interarrival jitter (RFC 3550 A.8) of the streams a node receives (inbound) and that "
                     "subscribers report (outbound), sampled every RTCP interval.",
                     [(f'histogram_quantile(0.95, sum by (region, direction, le) '
                       f'(rate(edgemesh_sfu_jitter_seconds_bucket{{{SFU}}}[{RI}])))', "{{region}} {{direction}}")],
                     unit="s"), 8, 8)
    L.row("Repair: NACK and PLI")
    L.add(timeseries("NACKs per second per region",
                     "Generic NACK items: received from subscribers (answered from the node's cache) and sent "
                     "to publishers (loss on the publisher's path).",
                     [(f"sum by (region) (rate(edgemesh_sfu_nacks_received_total{{{SFU}}}[{RI}]))",
                       "{{region}} from subscribers"),
                      (f"sum by (region) (rate(edgemesh_sfu_nacks_sent_total{{{SFU}}}[{RI}]))",
                       "{{region}} to publishers")], unit="ops"))
    L.add(timeseries("NACKed share of forwarded packets",
                     "NACK items from subscribers per forwarded packet: a loss indicator that needs no RTCP "
                     "receiver reports.",
                     [(f"sum by (region) (rate(edgemesh_sfu_nacks_received_total{{{SFU}}}[{RI}])) / "
                       f"sum by (region) (rate(edgemesh_sfu_packets_forwarded_total{{{SFU}}}[{RI}]))",
                       "{{region}}")], unit="percentunit"))
    L.add(timeseries("Retransmissions and recovered packets per second",
                     "Packets resent to subscribers from the cache, and publisher RTX packets unwrapped and "
                     "forwarded.",
                     [(f"sum by (region) (rate(edgemesh_sfu_retransmissions_total{{{SFU}}}[{RI}]))",
                       "{{region}} resent to subscribers"),
                      (f"sum by (region) (rate(edgemesh_sfu_packets_recovered_total{{{SFU}}}[{RI}]))",
                       "{{region}} recovered from publishers")], unit="ops"))
    L.add(timeseries("PLIs to publishers per second",
                     "Keyframe requests after merging (one per layer per 300 ms at most): new subscribers, "
                     "layer switches and undecodable streams.",
                     [(f"sum by (region) (rate(edgemesh_sfu_keyframe_requests_total{{{SFU}}}[{RI}]))",
                       "{{region}}")], unit="ops"))
    L.row("Failures")
    L.add(timeseries("SFU drops per second by reason",
                     "Datagrams and packets the media plane refused; see docs/metrics.md for each reason.",
                     [(f"sum by (reason) (rate(edgemesh_sfu_drops_total{{{SFU}}}[{RI}]))", "{{reason}}")],
                     unit="ops", stack=True), 8, 8)
    L.add(timeseries("Transports connected and failed per second",
                     "Transports that completed ICE+DTLS, and those closed by DTLS failure or lost consent.",
                     [(f"sum by (region) (rate(edgemesh_sfu_transports_connected_total{{{SFU}}}[{RI}]))",
                       "{{region}} connected"),
                      (f"sum by (region) (rate(edgemesh_sfu_transports_failed_total{{{SFU}}}[{RI}]))",
                       "{{region}} failed")], unit="ops"), 8, 8)
    L.add(timeseries("Trunk drops per second by reason",
                     "Trunk datagrams dropped: auth, replay, expired_credential, unknown_node, malformed.",
                     [(f'sum by (reason) (rate(edgemesh_trunk_drops_total{{{SFU}}}[{RI}]))', "{{reason}}")],
                     unit="ops", stack=True), 8, 8)
    L.add(timeseries("Errors sent to clients per second by code",
                     "Signaling errors (PROTOCOL.md error codes) across all backends.",
                     [(f"sum by (code) (rate(edgemesh_backend_errors_total[{RI}]))", "{{code}}")],
                     unit="ops", stack=True))
    L.add(timeseries("Backend dependency errors per second",
                     "Failed SFU gRPC calls by method, and failed Redis operations.",
                     [(f"sum by (method) (rate(edgemesh_backend_grpc_errors_total[{RI}]))", "gRPC {{method}}"),
                      (f"sum (rate(edgemesh_backend_redis_errors_total[{RI}]))", "Redis")], unit="ops"))
    return dashboard("edgemesh-quality", "EdgeMesh / Quality",
                     "Loss, jitter, NACK and PLI rates per region; drops and errors.", L)


def capacity():
    L = Layout()
    L.row("Load")
    L.add(stat("Participants", "Participants with transports on the selected nodes.",
               f"sum (edgemesh_sfu_participants{{{SFU_NODE}}})"), 6, 4)
    L.add(stat("Published tracks", "Producers on the selected nodes.",
               f"sum (edgemesh_sfu_producers{{{SFU_NODE}}})"), 6, 4)
    L.add(stat("Subscriptions", "Consumers on the selected nodes.",
               f"sum (edgemesh_sfu_consumers{{{SFU_NODE}}})"), 6, 4)
    L.add(stat("Signaling connections", "Open WebSockets on all backends.",
               "sum (edgemesh_backend_connections)"), 6, 4)
    L.add(timeseries("Participants per node", "Compare with NODE_MAX_PARTICIPANTS: a full node takes no more.",
                     [(f"sum by (region, node) (edgemesh_sfu_participants{{{SFU_NODE}}})", "{{node}}")]), 8, 8)
    L.add(timeseries("Tracks per node", "Published tracks (producers) and subscriptions (consumers).",
                     [(f"sum by (node) (edgemesh_sfu_producers{{{SFU_NODE}}})", "{{node}} published"),
                      (f"sum by (node) (edgemesh_sfu_consumers{{{SFU_NODE}}})", "{{node}} subscribed")]), 8, 8)
    L.add(timeseries("Transports per node", "Open WebRTC transports (two per participant when both "
                     "publishing and subscribing).",
                     [(f"sum by (node) (edgemesh_sfu_transports{{{SFU_NODE}}})", "{{node}}")]), 8, 8)
    L.row("Traffic")
    L.add(timeseries("RTP packets per second per node",
                     "Accepted from publishers and sent to subscribers (one per copy).",
                     [(f"sum by (node) (rate(edgemesh_sfu_packets_received_total{{{SFU_NODE}}}[{RI}]))",
                       "{{node}} in"),
                      (f"sum by (node) (rate(edgemesh_sfu_packets_forwarded_total{{{SFU_NODE}}}[{RI}]))",
                       "{{node}} out")], unit="pps"))
    L.add(timeseries("Forwarded bitrate per node", "Plaintext RTP bits per second sent to subscribers.",
                     [(f"sum by (node) (rate(edgemesh_sfu_bytes_forwarded_total{{{SFU_NODE}}}[{RI}])) * 8",
                       "{{node}}")], unit="bps"))
    L.add(timeseries("UDP datagrams received per node", "Everything arriving on the media port: STUN, DTLS, "
                     "SRTP, SRTCP.",
                     [(f"sum by (node) (rate(edgemesh_sfu_datagrams_received_total{{{SFU_NODE}}}[{RI}]))",
                       "{{node}}")], unit="pps"), 8, 8)
    L.add(timeseries("Trunk bitrate per region pair",
                     "Bits per second over the trunks, by direction as counted at the sending and receiving node.",
                     [(f'sum by (from_region, to_region, direction) '
                       f'(rate(edgemesh_trunk_bytes_total{{{SFU_NODE}}}[{RI}])) * 8',
                       "{{from_region}} → {{to_region}} {{direction}}")], unit="bps"), 8, 8)
    L.add(timeseries("Trunk packets per second per region pair", "Packets over the trunks by direction.",
                     [(f'sum by (from_region, to_region, direction) '
                       f'(rate(edgemesh_trunk_packets_total{{{SFU_NODE}}}[{RI}]))',
                       "{{from_region}} → {{to_region}} {{direction}}")], unit="pps"), 8, 8)
    L.add(timeseries("Region assignments per second", "Participants placed by the backends, by region and "
                     "reason (rtt hints, geoip, default).",
                     [(f"sum by (region, reason) (rate(edgemesh_region_assignments_total[{RI}]))",
                       "{{region}} {{reason}}")], unit="ops", stack=True), 24, 7)
    L.row("Resources")
    L.add(timeseries("CPU per process", "CPU cores used by each EdgeMesh process (1 = one full core).",
                     [(f'rate(process_cpu_seconds_total{{job=~"edgemesh-.*"}}[{RI}])', "{{job}} {{instance}}")],
                     unit="short"))
    L.add(timeseries("Resident memory per process", "Resident set size of each EdgeMesh process.",
                     [('process_resident_memory_bytes{job=~"edgemesh-.*"}', "{{job}} {{instance}}")],
                     unit="bytes"))
    return dashboard("edgemesh-capacity", "EdgeMesh / Capacity",
                     "Participants, tracks, packet rates, trunk traffic, CPU and memory per node.", L,
                     with_node=True)


DASHBOARDS = {"edgemesh-latency.json": latency, "edgemesh-quality.json": quality,
              "edgemesh-capacity.json": capacity}


def render():
    return {name: json.dumps(make(), indent=2, ensure_ascii=False) + "\n" for name, make in DASHBOARDS.items()}


def main(argv):
    rendered = render()
    if "--check" in argv:
        stale = [n for n, text in rendered.items()
                 if not (OUT / n).exists() or (OUT / n).read_text(encoding="utf-8") != text]
        if stale:
            print("stale dashboards (run devops/grafana/make_dashboards.py):", ", ".join(stale))
            return 1
        return 0
    OUT.mkdir(exist_ok=True)
    for name, text in rendered.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print("wrote", OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
