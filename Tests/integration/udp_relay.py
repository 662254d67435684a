"""A userspace UDP relay between one WebRTC client and the SFU that drops
chosen client-to-SFU packets (the kernel here has no netem)."""
import socket
import threading


def is_rtp(datagram: bytes) -> bool:
    """RFC 7983 first byte 128-191, and not RTCP (packet type 192-223, RFC 5761)."""
    return len(datagram) > 1 and 128 <= datagram[0] <= 191 and not 192 <= datagram[1] <= 223


class LossyRelay:
    """Listens on a loopback port; forwards to `target`; drops every `nth` RTP
    packet from the client. Counts what it dropped."""

    def __init__(self, target_port: int, nth: int):
        self.target = ("127.0.0.1", target_port)
        self.nth = nth
        self.rtp_seen = 0
        self.dropped = 0
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(("127.0.0.1", 0))
        self.port = self.front.getsockname()[1]
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.bind(("127.0.0.1", 0))
        self.client = None
        self.running = True
        for sock in (self.front, self.back):
            sock.settimeout(0.2)
        self.threads = [threading.Thread(target=self._upstream, daemon=True),
                        threading.Thread(target=self._downstream, daemon=True)]
        for t in self.threads:
            t.start()

    def _upstream(self):
        while self.running:
            try:
                data, addr = self.front.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            self.client = addr
            if is_rtp(data):
                self.rtp_seen += 1
                if self.rtp_seen % self.nth == 0:
                    self.dropped += 1
                    continue
            self.back.sendto(data, self.target)

    def _downstream(self):
        while self.running:
            try:
                data, _ = self.back.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            if self.client:
                self.front.sendto(data, self.client)

    def close(self):
        self.running = False
        for t in self.threads:
            t.join(timeout=2)
        self.front.close()
        self.back.close()
