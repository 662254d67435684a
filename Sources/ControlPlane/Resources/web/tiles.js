// The participant grid: one tile per participant (own tile first) with name, mute indicators
// and the active-speaker highlight.

export class Tiles {
  constructor(list) {
    this.list = list;
    this.tiles = new Map(); // participantId -> {li, video, label, mutedAudio, mutedVideo, stream}
  }

  ensure(id, name, local = false) {
    let tile = this.tiles.get(id);
    if (tile) {
      if (name) tile.name.textContent = name;
      return tile;
    }
    const li = document.createElement("li");
    li.className = "tile";
    li.dataset.participant = id;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.muted = local;
    const label = document.createElement("div");
    label.className = "label";
    const nameEl = document.createElement("span");
    nameEl.textContent = name || id;
    const micEl = document.createElement("span");
    micEl.className = "muted-icon mic-muted";
    micEl.textContent = "🔇";
    micEl.setAttribute("role", "img");
    micEl.setAttribute("aria-label", "microphone muted");
    micEl.hidden = true;
    const camEl = document.createElement("span");
    camEl.className = "muted-icon cam-muted";
    camEl.textContent = "📷✕";
    camEl.setAttribute("role", "img");
    camEl.setAttribute("aria-label", "camera off");
    camEl.hidden = true;
    label.append(nameEl, micEl, camEl);
    li.append(video, label);
    li.setAttribute("aria-label", local ? `${name} (you)` : name || id);
    if (local) this.list.prepend(li); else this.list.append(li);
    tile = { li, video, name: nameEl, micEl, camEl, stream: null, receivers: {} };
    this.tiles.set(id, tile);
    return tile;
  }

  attach(id, track, receiver) {
    const tile = this.ensure(id);
    if (!tile.stream) {
      tile.stream = new MediaStream();
      tile.video.srcObject = tile.stream;
    }
    for (const old of tile.stream.getTracks()) if (old.kind === track.kind) tile.stream.removeTrack(old);
    tile.stream.addTrack(track);
    tile.receivers[track.kind] = receiver;
    tile.video.play().catch(() => {});
  }

  setMuted(id, kind, muted) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    (kind === "audio" ? tile.micEl : tile.camEl).hidden = !muted;
    tile.li.classList.toggle(kind === "audio" ? "mic-off" : "cam-off", muted);
  }

  setSpeakers(ids) {
    for (const [id, tile] of this.tiles) tile.li.classList.toggle("speaking", ids.has(id));
  }

  remove(id) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    tile.li.remove();
    this.tiles.delete(id);
  }

  /** Removes every remote tile (before a rejoin). */
  clearRemote(localId) {
    for (const id of [...this.tiles.keys()]) if (id !== localId) this.remove(id);
  }
}
