// The WebSocket to the backend (PROTOCOL.md): JSON text frames, one message each.

/** Words a person understands for the server's error codes. */
export const errorText = {
  token_missing: "No access token was given. Open the link you were sent again.",
  token_invalid: "The access token is not valid. Ask for a new link.",
  token_expired: "The access token has expired. Ask for a new link.",
  not_allowed: "You are not allowed to do that in this room.",
  sdp_invalid: "Your browser's media setup was refused by the server.",
  no_sfu_available: "No media server is available right now. Retrying…",
  rate_limited: "You are sending too fast; slow down a little.",
  duplicate_identity: "You joined this room from another tab or device, so this one was disconnected.",
  cross_node_unsupported: "Media from a participant on another media server could not be relayed to you. Try rejoining.",
  internal: "The server had a problem. Retrying…",
};

export function describeError(message) {
  return errorText[message.code] || message.message || message.code || "Unknown error";
}

/** One WebSocket session; `onmessage(msg)` and `onclose(event)` are set by the caller. */
export class Signaling {
  constructor(url) {
    this.url = url;
    this.nextId = 1;
    this.onmessage = () => {};
    this.onclose = () => {};
    this.ws = new WebSocket(url);
    this.ws.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      this.onmessage(message);
    });
    this.ws.addEventListener("close", (event) => this.onclose(event));
  }

  get open() { return this.ws.readyState === WebSocket.OPEN; }

  send(message) {
    if (!this.open) return null;
    const id = String(this.nextId++);
    this.ws.send(JSON.stringify({ ...message, id }));
    return id;
  }

  close() {
    this.onclose = () => {};
    this.onmessage = () => {};
    try { this.ws.close(); } catch { /* already closed */ }
  }
}
