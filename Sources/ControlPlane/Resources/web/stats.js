// getStats() once a second: bitrate up/down, packet loss, per-participant decoded frames and width.

export async function collectStats(session, tiles, previous) {
  const now = performance.now();
  const out = { at: now, bytesSent: 0, bytesReceived: 0, packetsLost: 0, packetsReceived: 0,
                framesDecoded: {}, frameWidth: {}, sendLayers: [] };
  if (session.publisher) {
    const report = await session.publisher.getStats();
    report.forEach((s) => {
      if (s.type !== "outbound-rtp") return;
      out.bytesSent += s.bytesSent || 0;
      if (s.kind === "video" && s.frameWidth) out.sendLayers.push(`${s.rid || "-"}:${s.frameWidth}`);
    });
  }
  if (session.subscriber) {
    const report = await session.subscriber.getStats();
    report.forEach((s) => {
      if (s.type !== "inbound-rtp") return;
      out.bytesReceived += s.bytesReceived || 0;
      out.packetsLost += Math.max(0, s.packetsLost || 0);
      out.packetsReceived += s.packetsReceived || 0;
    });
  }
  for (const [id, tile] of tiles.tiles) {
    const receiver = tile.receivers.video;
    if (!receiver) continue;
    const report = await receiver.getStats();
    report.forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") {
        out.framesDecoded[id] = s.framesDecoded || 0;
        out.frameWidth[id] = s.frameWidth || 0;
      }
    });
  }
  const seconds = previous && previous.at ? (now - previous.at) / 1000 : 0;
  out.bitrateUp = seconds > 0 ? Math.max(0, (out.bytesSent - previous.bytesSent) * 8 / seconds) : 0;
  out.bitrateDown = seconds > 0 ? Math.max(0, (out.bytesReceived - previous.bytesReceived) * 8 / seconds) : 0;
  const total = out.packetsLost + out.packetsReceived;
  out.lossPercent = total > 0 ? (100 * out.packetsLost) / total : 0;
  return out;
}

const kbps = (bps) => `${Math.round(bps / 1000)} kbit/s`;

/** Why the server chose the region (`joined.sfu.reason`, docs/web-client.md). */
export function chosenBy(reason) {
  switch (reason) {
    case "rtt": return "RTT: the region your browser measured fastest";
    case "geoip": return "GeoIP: the region nearest your network address";
    case "default": return "the server's default region (no measurement or location)";
    default: return "the server";
  }
}

export function renderStats(list, joined, stats) {
  const widths = Object.values(stats.frameWidth).filter((w) => w > 0);
  const rows = [
    ["Region", `${joined.sfu.regionName || joined.sfu.region} (${joined.sfu.region})`],
    ["Media server", joined.sfu.node],
    ["Chosen by", chosenBy(joined.sfu.reason)],
    ...(stats.regionRtt == null ? [] : [["Region RTT before joining", `${Math.round(stats.regionRtt)} ms`]]),
    ["Round trip", stats.rtt == null ? "…" : `${stats.rtt} ms`],
    ["Sending", kbps(stats.bitrateUp)],
    ["Layers sent", stats.sendLayers.join(", ") || "–"],
    ["Receiving", kbps(stats.bitrateDown)],
    ["Packet loss", `${stats.lossPercent.toFixed(1)} %`],
    ["Layer asked for", stats.requested && stats.requested.length ? stats.requested.join(", ") : "–"],
    ["Video width received", widths.length ? widths.map((w) => `${w}px`).join(", ") : "–"],
  ];
  list.replaceChildren(...rows.flatMap(([term, value]) => {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    return [dt, dd];
  }));
}
