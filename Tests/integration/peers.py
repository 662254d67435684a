"""aiortc peers that talk to an SFU node through its gRPC API."""
import asyncio
import fractions

import aioice.ice
import numpy
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from av import VideoFrame

# aioice skips 127.0.0.1 when gathering; the tests run on loopback only.
aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]


def new_peer_connection() -> RTCPeerConnection:
    # No ICE servers: never reach anything beyond the test's own processes.
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


class MovingVideoTrack(VideoStreamTrack):
    """A 320x240 video whose content changes every frame (so VP8 has work to do)."""

    def __init__(self):
        super().__init__()
        self.counter = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        image = numpy.zeros((240, 320, 3), numpy.uint8)
        image[:, :, 1] = (self.counter * 4) % 256
        image[(self.counter * 3) % 240, :, :] = 255
        self.counter += 1
        frame = VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


class Subscriber:
    """Receives every track the SFU offers and counts decoded frames."""

    def __init__(self):
        self.pc = new_peer_connection()
        self.video_frames = 0
        self.audio_frames = 0
        self.video_sizes = []
        self.tasks = []
        self.pc.on("track", self._on_track)

    def _on_track(self, track):
        self.tasks.append(asyncio.ensure_future(self._consume(track)))

    async def _consume(self, track):
        while True:
            try:
                frame = await track.recv()
            except Exception:  # noqa: BLE001 - track ended
                return
            if track.kind == "video":
                self.video_frames += 1
                self.video_sizes.append((frame.width, frame.height))
            else:
                self.audio_frames += 1

    async def close(self):
        for t in self.tasks:
            t.cancel()
        await self.pc.close()


async def wait_for(predicate, timeout, what):
    deadline = asyncio.get_event_loop().time() + timeout
    while asyncio.get_event_loop().time() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


__all__ = ["new_peer_connection", "MovingVideoTrack", "AudioStreamTrack", "Subscriber",
           "RTCSessionDescription", "wait_for", "fractions"]
