// EdgeMesh web client: join screen (with the region probe), call screen, chat, connection panel,
// and recovery: a lost WebSocket, failed ICE or a `migrate` message rejoins the room with backoff.
import { Session } from "./session.js";
import { describeError } from "./signaling.js";
import { Tiles } from "./tiles.js";
import { collectStats, renderStats } from "./stats.js";
import { LayerChooser } from "./layers.js";
import { RegionProbe, renderProbe } from "./probe.js";

const $ = (id) => document.getElementById(id);
const LOCAL = "local";

const state = {
  token: null, room: "", name: "", identity: "",
  stream: null, session: null, joined: null, selfId: null,
  tracks: new Map(),        // trackId -> Track
  ownTracks: {},            // kind -> trackId
  muted: { audio: false, video: false },
  chatIds: new Set(), unread: 0,
  attempt: 0, reconnectTimer: null, leaving: false,
  rtt: null, pingTimer: null, statsTimer: null, stats: {}, connects: 0,
  rttHint: "", rejoins: [],  // rejoins: [{reason, at}] for the connection panel and tests
};
const tiles = new Tiles($("tiles"));
const layers = new LayerChooser((message) => state.session?.send(message));
const probe = new RegionProbe(() => renderProbe($("region-probe"), probe));

function status(text) { $("status").textContent = text; }
function announce(text) { $("announcer").textContent = text; }

// ---- join screen -----------------------------------------------------------------------

async function preview() {
  try {
    const camera = $("camera-select").value;
    const mic = $("mic-select").value;
    const video = { width: 640, height: 360, ...(camera ? { deviceId: { exact: camera } } : {}) };
    const audio = mic ? { deviceId: { exact: mic } } : true;
    for (const track of state.stream?.getTracks() || []) track.stop();
    state.stream = await navigator.mediaDevices.getUserMedia({ audio, video });
    $("preview").srcObject = state.stream;
    await listDevices();
  } catch (error) {
    $("join-error").textContent = `Camera or microphone unavailable (${error.name}); you can still join.`;
    state.stream = new MediaStream();
  }
}

async function listDevices() {
  const devices = await navigator.mediaDevices.enumerateDevices();
  const current = Object.fromEntries(state.stream.getTracks().map((t) => [t.kind, t.getSettings().deviceId]));
  for (const [select, kind, track] of [[$("camera-select"), "videoinput", "video"], [$("mic-select"), "audioinput", "audio"]]) {
    select.replaceChildren(...devices.filter((d) => d.kind === kind).map((d, i) => {
      const option = new Option(d.label || `${kind === "videoinput" ? "Camera" : "Microphone"} ${i + 1}`, d.deviceId);
      option.selected = d.deviceId === current[track];
      return option;
    }));
  }
}
$("camera-select").addEventListener("change", () => { state.previewing = preview(); });
$("mic-select").addEventListener("change", () => { state.previewing = preview(); });

async function fetchToken(room, identity, name) {
  const fragment = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fragment) return fragment;
  const response = await fetch("/v1/dev/token", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ room, identity, name }),
  });
  if (response.status === 404) throw new Error("This server needs an invitation link (with #token=…).");
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? describeError(body.error) : `HTTP ${response.status}`);
  return body.token;
}

$("join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("join-error").textContent = "";
  $("join-button").disabled = true;
  try {
    state.room = $("room").value.trim();
    state.name = $("name").value.trim();
    const slug = state.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 40) || "guest";
    state.identity = `${slug}-${Math.random().toString(36).slice(2, 8)}`;
    await state.previewing;
    status("Measuring the round trip to each region…");
    await probe.run();
    state.rttHint = probe.hint();
    status("");
    state.token = await fetchToken(state.room, state.identity, state.name);
    state.fatal = null;
    $("call-error").textContent = "";
    $("join-screen").hidden = true;
    $("call-screen").hidden = false;
    const own = tiles.ensure(LOCAL, `${state.name} (you)`, true);
    own.video.srcObject = state.stream;
    connect();
    $("mute-mic").focus();
  } catch (error) {
    $("join-error").textContent = error.message || String(error);
  } finally {
    $("join-button").disabled = false;
  }
});

// ---- session and reconnect -------------------------------------------------------------

function connect() {
  clearTimeout(state.reconnectTimer);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const rtt = state.rttHint ? `&rtt=${encodeURIComponent(state.rttHint)}` : "";
  const url = `${scheme}://${location.host}/v1/rtc?access_token=${encodeURIComponent(state.token)}${rtt}`;
  status(state.connects ? "Reconnecting…" : "Connecting…");
  state.connects += 1;
  const session = new Session(url, state.stream, {
    joined: (message) => onJoined(message),
    message: (message) => onMessage(message),
    remoteTrack: (participantId, track, receiver) => {
      // Fallback: the msid track id is the track id of `track_published`.
      const known = state.tracks.get(track.id);
      let owner = known?.participantId && !tiles.tiles.has(participantId) ? known.participantId : participantId;
      if (known?.source === "screen") {
        tiles.ensure(`${owner}:screen`, `${tiles.tiles.get(owner)?.name.textContent || owner} (screen)`);
        owner = `${owner}:screen`;
      }
      tiles.attach(owner, track, receiver);
    },
    closed: (reason) => onClosed(session, reason),
    mediaConnected: () => { if (session === state.session) state.attempt = 0; },
    screenTrack: () => state.screen?.getVideoTracks()[0] || null,
  });
  state.session = session;
}

async function refusal(token) {
  // A refused upgrade only shows as a closed socket: ask the server why (PROTOCOL.md).
  try {
    const response = await fetch(`/v1/rtc/validate?access_token=${encodeURIComponent(token)}`);
    if (response.status !== 401) return null;
    const body = await response.json();
    return describeError(body.error || {});
  } catch {
    return null;
  }
}

async function onClosed(session, reason) {
  if (session !== state.session || state.leaving) return;
  stopTimers();
  const wasJoined = state.joined !== null;
  state.joined = null;
  tiles.clearRemote(LOCAL);
  if (!wasJoined && !state.fatal) {
    const why = await refusal(state.token);
    if (why) state.fatal = why;
  }
  if (session !== state.session || state.leaving) return;
  if (state.fatal) {
    status(state.fatal);
    $("call-error").textContent = state.fatal;
    return;
  }
  state.rejoins.push({ reason, at: Date.now() });
  // A migrating node moves everyone at once: a short random delay spreads the rejoins.
  const delay = reason === "migrate" ? Math.random() * 1000
    : Math.min(10000, 500 * 2 ** state.attempt) * (0.75 + Math.random() * 0.5);
  state.attempt += 1;
  status(reason === "migrate" ? "Moving you to another media server…"
    : `Disconnected (${reason}). Reconnecting in ${Math.round(delay / 100) / 10} s…`);
  state.reconnectTimer = setTimeout(connect, delay);
}

function onJoined(message) {
  // Backoff resets once media flows (Session's mediaConnected); with nothing to send, on joined.
  if (!state.stream?.getTracks().length) state.attempt = 0;
  state.joined = message;
  state.selfId = message.participant.id;
  state.tracks.clear();
  state.ownTracks = {};
  layers.reset();
  for (const p of message.participants) addParticipant(p);
  layers.update(state.tracks, tiles);
  status(`In room ${message.room.name} · ${message.sfu.regionName || message.sfu.region}`);
  state.pingTimer = setInterval(() => state.session?.send({ type: "ping", ts: Date.now() }), 2000);
  state.session.send({ type: "ping", ts: Date.now() });
  state.statsTimer = setInterval(updateStats, 1000);
}

function addParticipant(p) {
  tiles.ensure(p.id, p.name || p.identity);
  for (const track of p.tracks || []) addTrack(track);
}

function addTrack(track) {
  state.tracks.set(track.id, track);
  if (track.participantId === state.selfId) {
    if (track.source === "screen") return;
    state.ownTracks[track.kind] = track.id;
    // A rejoin re-publishes unmuted tracks: restore the mute state the user chose.
    if (state.muted[track.kind]) state.session.send({ type: "mute", trackId: track.id, muted: true });
    return;
  }
  tiles.setMuted(track.participantId, track.kind, !!track.muted);
  if (state.joined) layers.update(state.tracks, tiles);
}

function onMessage(message) {
  switch (message.type) {
    case "participant_joined":
      addParticipant(message.participant);
      announce(`${message.participant.name || message.participant.identity} joined`);
      break;
    case "participant_left":
      announce(`${tiles.tiles.get(message.participantId)?.name.textContent || "Someone"} left`);
      tiles.remove(message.participantId);
      tiles.remove(`${message.participantId}:screen`);
      layers.update(state.tracks, tiles);
      break;
    case "track_published": addTrack(message.track); break;
    case "track_unpublished": {
      const track = state.tracks.get(message.trackId);
      if (track?.source === "screen") tiles.remove(`${track.participantId}:screen`);
      state.tracks.delete(message.trackId);
      break;
    }
    case "track_muted": {
      const track = state.tracks.get(message.trackId);
      if (!track) break;
      track.muted = message.muted;
      tiles.setMuted(track.participantId === state.selfId ? LOCAL : track.participantId, track.kind, message.muted);
      break;
    }
    case "active_speakers": {
      const ids = new Set(message.speakers.filter((s) => s.level > 0).map((s) =>
        s.participantId === state.selfId ? LOCAL : s.participantId));
      tiles.setSpeakers(ids);
      break;
    }
    case "chat": addChat(message); break;
    case "pong": state.rtt = Date.now() - message.ts; break;
    case "migrate":
      announce("The media server is being maintained; moving you to another one.");
      state.session.fail("migrate");
      break;
    case "error":
      if (message.code === "duplicate_identity" || message.code?.startsWith("token_")) state.fatal = describeError(message);
      status(describeError(message));
      break;
    default: break;
  }
}

function stopTimers() {
  clearInterval(state.pingTimer);
  clearInterval(state.statsTimer);
}

// ---- controls ----------------------------------------------------------------------------

function toggleMute(kind, button, onText, offText) {
  const muted = !state.muted[kind];
  state.muted[kind] = muted;
  for (const track of state.stream.getTracks()) if (track.kind === kind) track.enabled = !muted;
  button.setAttribute("aria-pressed", String(muted));
  button.textContent = muted ? offText : onText;
  tiles.setMuted(LOCAL, kind, muted);
  const trackId = state.ownTracks[kind];
  if (trackId) state.session?.send({ type: "mute", trackId, muted });
}
$("mute-mic").addEventListener("click", (e) => toggleMute("audio", e.currentTarget, "Mute microphone", "Unmute microphone"));
$("mute-cam").addEventListener("click", (e) => toggleMute("video", e.currentTarget, "Turn camera off", "Turn camera on"));

async function shareScreen(stream) {
  const button = $("share-screen");
  if (state.screen) {
    for (const track of state.screen.getTracks()) track.stop();
    state.screen = null;
    tiles.remove(`${LOCAL}:screen`);
    button.setAttribute("aria-pressed", "false");
    button.textContent = "Share screen";
    await state.session?.removeScreen();
    return;
  }
  try {
    state.screen = stream || await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch (error) {
    status(`Screen sharing was not started (${error.name}).`);
    return;
  }
  const [track] = state.screen.getVideoTracks();
  track.addEventListener("ended", () => { if (state.screen) shareScreen(); });
  const tile = tiles.ensure(`${LOCAL}:screen`, "Your screen", true);
  tile.video.srcObject = state.screen;
  button.setAttribute("aria-pressed", "true");
  button.textContent = "Stop sharing";
  await state.session?.addScreen(track);
}
$("share-screen").addEventListener("click", () => shareScreen().catch((e) => status(`Screen sharing failed: ${e}`)));

function togglePanel(button, panel) {
  const open = panel.hidden;
  panel.hidden = !open;
  button.setAttribute("aria-expanded", String(open));
  if (panel === $("chat") && open) { state.unread = 0; renderUnread(); }
}
$("toggle-chat").addEventListener("click", (e) => togglePanel(e.currentTarget, $("chat")));
$("toggle-conn").addEventListener("click", (e) => togglePanel(e.currentTarget, $("connection")));

$("leave").addEventListener("click", () => {
  state.leaving = true;
  stopTimers();
  clearTimeout(state.reconnectTimer);
  state.session?.close(true);
  tiles.clearRemote(LOCAL);
  status("You left the room.");
  $("call-screen").hidden = true;
  $("join-screen").hidden = false;
  state.leaving = false;
  state.session = null;
  state.connects = 0;
  $("join-button").focus();
});

// ---- chat -----------------------------------------------------------------------------------

function addChat(message) {
  if (state.chatIds.has(message.id)) return;
  state.chatIds.add(message.id);
  const li = document.createElement("li");
  const from = document.createElement("span");
  from.className = "from";
  from.textContent = message.from?.id === state.selfId ? "You" : (message.from?.name || message.from?.identity || "?");
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.text;
  const time = document.createElement("time");
  time.dateTime = new Date(message.ts).toISOString();
  time.className = "visually-hidden";
  time.textContent = new Date(message.ts).toLocaleTimeString();
  li.append(from, text, time);
  $("messages").append(li);
  li.scrollIntoView({ block: "nearest" });
  if ($("chat").hidden) { state.unread += 1; renderUnread(); }
}

function renderUnread() {
  $("unread").hidden = state.unread === 0;
  $("unread").textContent = state.unread ? `${state.unread} unread` : "";
}

$("chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("chat-input").value.trim();
  if (!text || !state.session) return;
  state.session.send({ type: "chat", text: text.slice(0, 4096) });
  $("chat-input").value = "";
});

// ---- connection panel and debug hook ----------------------------------------------------------

async function updateStats() {
  const session = state.session;
  if (!session || !state.joined) return;
  state.stats = await collectStats(session, tiles, state.stats);
  state.stats.rtt = state.rtt;
  state.stats.regionRtt = probe.measured().find((r) => r.id === state.joined.sfu.region)?.rtt ?? null;
  state.stats.requested = [...layers.requested.values()];
  renderStats($("conn-stats"), state.joined, state.stats);
}

window.__edgemesh = window.edgemesh = {
  state,
  pageId: Math.random().toString(36).slice(2),
  probe: () => ({ hint: state.rttHint, results: probe.results }),
  /** Handles `message` as if the server had sent it on the current WebSocket (tests, debugging). */
  handleMessage: (message) => state.session?.receive(message),
  stats: () => state.stats,
  framesDecoded: () => state.stats.framesDecoded || {},
  participants: () => [...tiles.tiles.keys()].filter((id) => id !== LOCAL),
  mutedIndicator: (id, kind) => {
    const tile = tiles.tiles.get(id);
    return tile ? !(kind === "audio" ? tile.micEl : tile.camEl).hidden : null;
  },
  chat: () => [...$("messages").children].map((li) => li.querySelector(".text").textContent),
  /** Shares `stream` (e.g. a canvas capture) as the screen, for tests without a screen picker. */
  shareScreen: (stream) => shareScreen(stream),
  dropSocket: () => state.session?.signaling.ws.close(),
};

state.previewing = preview();
probe.run();
