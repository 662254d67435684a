// One join of a room: the WebSocket plus the publisher and subscriber peer connections.
import { Signaling } from "./signaling.js";

/** A peer connection `disconnected` for longer than this is treated as failed. */
export const DISCONNECTED_GRACE_MS = 4000;

const SIMULCAST = [
  { rid: "q", scaleResolutionDownBy: 4, maxBitrate: 150000 },
  { rid: "h", scaleResolutionDownBy: 2, maxBitrate: 500000 },
  { rid: "f", maxBitrate: 1500000 },
];

/**
 * Events (all optional callbacks on `handlers`): joined(msg), message(msg) for every other server
 * message, remoteTrack(participantId, track, receiver), closed(reason) once when the session ends by
 * itself (WebSocket closed, ICE failed or disconnected for DISCONNECTED_GRACE_MS, `fail()`),
 * mediaConnected() when a peer connection reaches `connected`.
 */
export class Session {
  constructor(url, localStream, handlers) {
    this.localStream = localStream;
    this.handlers = handlers;
    this.publisher = null;
    this.subscriber = null;
    this.ended = false;
    this.signaling = new Signaling(url);
    this.signaling.onmessage = (message) => this.receive(message).catch((e) => this.fail(`media setup failed: ${e}`));
    this.signaling.onclose = (event) => this.fail(`connection closed (${event.code})`);
  }

  send(message) { return this.signaling.send(message); }

  async receive(message) {
    switch (message.type) {
      case "joined":
        this.handlers.joined?.(message);
        await this.startPublisher(message.iceServers || []);
        return;
      case "answer":
        if (message.target === "publisher" && this.publisher) await this.publisher.setRemoteDescription({ type: "answer", sdp: message.sdp });
        return;
      case "offer":
        if (message.target === "subscriber") await this.answerSubscriber(message.sdp);
        return;
      default:
        this.handlers.message?.(message);
    }
  }

  watch(pc, name) {
    let timer = null;
    pc.addEventListener("connectionstatechange", () => {
      clearTimeout(timer);
      switch (pc.connectionState) {
        case "failed": this.fail(`${name} media connection failed`); break;
        case "disconnected":
          timer = setTimeout(() => {
            if (pc.connectionState === "disconnected") this.fail(`${name} media connection lost`);
          }, DISCONNECTED_GRACE_MS);
          break;
        case "connected": this.handlers.mediaConnected?.(); break;
        default: break;
      }
    });
  }

  async startPublisher(iceServers) {
    this.iceServers = iceServers;
    const pc = new RTCPeerConnection({ iceServers });
    this.publisher = pc;
    this.watch(pc, "publisher");
    for (const track of this.localStream.getTracks()) {
      const init = { direction: "sendonly", streams: [this.localStream] };
      if (track.kind === "video") init.sendEncodings = SIMULCAST;
      pc.addTransceiver(track, init);
    }
    const screenTrack = this.handlers.screenTrack?.();
    if (screenTrack) this.screen = pc.addTransceiver(screenTrack, { direction: "sendonly", streams: [this.localStream] });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    if (this.screen) this.send({ type: "track_info", mid: this.screen.mid, source: "screen", name: "screen" });
    this.send({ type: "offer", target: "publisher", sdp: pc.localDescription.sdp });
  }

  /** Publishes `track` as a second video track labelled `screen` (renegotiates the publisher). */
  async addScreen(track) {
    if (!this.publisher) throw new Error("not connected yet");
    this.screen = this.publisher.addTransceiver(track, { direction: "sendonly", streams: [this.localStream] });
    const offer = await this.publisher.createOffer();
    await this.publisher.setLocalDescription(offer);
    this.send({ type: "track_info", mid: this.screen.mid, source: "screen", name: "screen" });
    this.send({ type: "offer", target: "publisher", sdp: this.publisher.localDescription.sdp });
  }

  /** Stops sending the screen track (renegotiates with the transceiver inactive). */
  async removeScreen() {
    if (!this.screen || !this.publisher) return;
    await this.screen.sender.replaceTrack(null);
    this.screen.direction = "inactive";
    this.screen = null;
    const offer = await this.publisher.createOffer();
    await this.publisher.setLocalDescription(offer);
    this.send({ type: "offer", target: "publisher", sdp: this.publisher.localDescription.sdp });
  }

  subscriberConnection() {
    if (this.subscriber) return this.subscriber;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers || [] });
    this.subscriber = pc;
    this.watch(pc, "subscriber");
    pc.addEventListener("track", (event) => {
      // The SFU's a=msid stream id is the publishing participant's id.
      const stream = event.streams[0];
      const participantId = stream ? stream.id : "";
      this.handlers.remoteTrack?.(participantId, event.track, event.receiver, stream);
    });
    return pc;
  }

  async answerSubscriber(sdp) {
    const pc = this.subscriberConnection();
    await pc.setRemoteDescription({ type: "offer", sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.send({ type: "answer", target: "subscriber", sdp: pc.localDescription.sdp });
  }

  fail(reason) {
    if (this.ended) return;
    this.close();
    this.handlers.closed?.(reason);
  }

  /** Ends the session without notifying `closed`. */
  close(leave = false) {
    if (this.ended) return;
    this.ended = true;
    if (leave) this.send({ type: "leave" });
    this.signaling.close();
    this.publisher?.close();
    this.subscriber?.close();
  }
}
