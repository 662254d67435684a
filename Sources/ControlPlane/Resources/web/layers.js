// Asks the server for the simulcast layer that fits each remote video tile's size.

/** `low` under 320 px of tile width, `medium` under 720 px, else `high`. */
export function qualityFor(width) {
  if (width < 320) return "low";
  if (width < 720) return "medium";
  return "high";
}

export class LayerChooser {
  constructor(send) {
    this.send = send;
    this.requested = new Map(); // trackId -> quality
    window.addEventListener("resize", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.update(this.lastTracks, this.lastTiles), 300);
    });
  }

  reset() { this.requested.clear(); }

  /** Sends `subscribe` with a quality for every remote simulcast video track whose wanted layer changed. */
  update(tracks, tiles) {
    this.lastTracks = tracks;
    this.lastTiles = tiles;
    if (!tracks || !tiles) return;
    for (const track of tracks.values()) {
      if (track.kind !== "video" || !(track.simulcast && track.simulcast.length > 1)) continue;
      const tile = tiles.tiles.get(track.participantId);
      if (!tile) continue;
      const width = tile.li.getBoundingClientRect().width * (window.devicePixelRatio || 1);
      const quality = qualityFor(width);
      if (this.requested.get(track.id) === quality) continue;
      this.requested.set(track.id, quality);
      this.send({ type: "subscribe", trackIds: [track.id], subscribed: true, quality });
    }
  }
}
