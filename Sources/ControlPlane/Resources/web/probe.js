// Region probe (docs/web-client.md): before joining, time a few GETs to the `probe` URL of each
// region of GET /v1/regions and report the medians as the `rtt` parameter of /v1/rtc
// (PROTOCOL.md: `us-west:23,eu-central:88`, milliseconds). The regions are probed in parallel,
// the samples of one region one after another.

/** Successful samples wanted per region; the median of them is the region's RTT. */
export const PROBE_SAMPLES = 5;
/** A sample that takes longer than this counts as lost. */
export const PROBE_TIMEOUT_MS = 1500;
/** A region stops being probed after this many lost samples (a dead region costs little). */
export const PROBE_MAX_FAILURES = 2;

export function median(values) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One timed GET of `url`; resolves to milliseconds, rejects on error, HTTP error or timeout. */
async function sample(url, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const target = `${url}${url.includes("?") ? "&" : "?"}n=${Math.random().toString(36).slice(2, 10)}`;
  const start = performance.now();
  try {
    const response = await fetch(target, { cache: "no-store", credentials: "omit", mode: "cors", signal: controller.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await response.arrayBuffer();
    return performance.now() - start;
  } finally {
    clearTimeout(timer);
  }
}

/** The RTT of one region: the median of up to PROBE_SAMPLES samples, or null when none answered. */
export async function probeRegion(url, { samples = PROBE_SAMPLES, timeoutMs = PROBE_TIMEOUT_MS } = {}) {
  const times = [];
  let failures = 0;
  while (times.length < samples && failures < PROBE_MAX_FAILURES) {
    try {
      times.push(await sample(url, timeoutMs));
    } catch {
      failures += 1;
    }
  }
  return median(times);
}

/**
 * Probes every region with a `probe` URL. `results` holds one entry per region of /v1/regions:
 * `{id, name, probe, status: "measuring"|"ok"|"unreachable"|"not-probed", rtt}`; `onUpdate()`
 * is called whenever one changes.
 */
export class RegionProbe {
  constructor(onUpdate = () => {}) {
    this.onUpdate = onUpdate;
    this.results = [];
    this.done = null;
  }

  /** Starts (once) and returns a promise that settles when every region is measured. */
  run(regionsURL = "/v1/regions") {
    this.done ??= this.measure(regionsURL).catch(() => { this.failed = true; }).finally(() => this.onUpdate());
    return this.done;
  }

  async measure(regionsURL) {
    const response = await fetch(regionsURL, { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const regions = await response.json();
    this.results = regions.map((r) => ({
      id: r.id, name: r.name || r.id, probe: typeof r.probe === "string" ? r.probe : null,
      status: typeof r.probe === "string" ? "measuring" : "not-probed", rtt: null,
    }));
    this.onUpdate();
    await Promise.all(this.results.filter((r) => r.probe).map(async (r) => {
      r.rtt = await probeRegion(r.probe);
      r.status = r.rtt == null ? "unreachable" : "ok";
      this.onUpdate();
    }));
  }

  /** The measured regions, fastest first. */
  measured() {
    return this.results.filter((r) => r.status === "ok").sort((a, b) => a.rtt - b.rtt || a.id.localeCompare(b.id));
  }

  /** The `rtt` parameter (`us-west:23,eu-central:88`), or "" when nothing was measured. */
  hint() {
    return this.measured().map((r) => `${r.id}:${Math.max(0, Math.round(r.rtt))}`).join(",");
  }
}

/** Shows the probe's results in `list` (an `<ul>`), fastest region marked. */
export function renderProbe(list, probe) {
  const fastest = probe.measured()[0]?.id;
  const items = probe.results.map((r) => {
    const li = document.createElement("li");
    li.dataset.region = r.id;
    const name = document.createElement("span");
    name.textContent = `${r.name} (${r.id})`;
    const value = document.createElement("span");
    value.className = "rtt";
    value.textContent = {
      measuring: "measuring…", unreachable: "no answer", "not-probed": "not measured",
      ok: `${Math.round(r.rtt ?? 0)} ms${r.id === fastest ? " · fastest" : ""}`,
    }[r.status];
    li.append(name, value);
    return li;
  });
  if (probe.failed) {
    const li = document.createElement("li");
    li.textContent = "Could not list the regions; the server will choose.";
    items.push(li);
  }
  list.replaceChildren(...items);
  const busy = probe.results.some((r) => r.status === "measuring");
  list.setAttribute("aria-busy", String(busy));
  list.closest("section").hidden = !probe.failed && !probe.results.some((r) => r.probe);
}
