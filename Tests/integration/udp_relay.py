"""Userspace UDP relays between one WebRTC client and the SFU (the kernel
here has no netem): the base relay forwards both ways; subclasses decide what
each client datagram becomes."""
import socket
import threading


def is_rtp(datagram: bytes) -> bool:
    """RFC 7983 first byte 128-191, and not RTCP (packet type 192-223, RFC 5761)."""
    return len(datagram) > 1 and 128 <= datagram[0] <= 191 and not 192 <= datagram[1] <= 223


class UDPRelay:
    """Listens on a loopback port and forwards to the SFU's `target_port`; the
    SFU sees the relay's back socket as the client's address."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.target = ("127.0.0.1", target_port)
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

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def rewrite(self, sdp):
        """Points the SDP's candidates at the relay instead of the SFU."""
        out = sdp.replace(f" {self.target_port} typ", f" {self.port} typ")
        assert out != sdp, "no candidate with the SFU's port in the SDP"
        return out

    def upstream(self, data: bytes):
        """What to send to the SFU for one client datagram (override)."""
        return [data]

    def downstream(self, data: bytes) -> bool:
        """Whether to pass one SFU datagram on to the client (override)."""
        return True

    def _upstream(self):
        while self.running:
            try:
                data, addr = self.front.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            self.client = addr
            for datagram in self.upstream(data):
                self.back.sendto(datagram, self.target)

    def _downstream(self):
        while self.running:
            try:
                data, _ = self.back.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            if self.client and self.downstream(data):
                self.front.sendto(data, self.client)

    def close(self):
        self.running = False
        for t in self.threads:
            t.join(timeout=2)
        self.front.close()
        self.back.close()


class LossyRelay(UDPRelay):
    """Drops every `nth` RTP packet from the client and counts what it dropped."""

    def __init__(self, target_port: int, nth: int):
        super().__init__(target_port)
        self.nth = nth
        self.rtp_seen = 0
        self.dropped = 0
        self.start()

    def upstream(self, data):
        if is_rtp(data):
            self.rtp_seen += 1
            if self.rtp_seen % self.nth == 0:
                self.dropped += 1
                return []
        return [data]


class DelayScheduler:
    """One thread that sends datagrams when they are due: each `later` call
    queues (due time, socket, bytes, address) on a heap and the thread waits
    on a condition until the earliest is due (no sleep-based pacing)."""

    def __init__(self):
        import heapq
        self._heapq = heapq
        self._heap = []
        self._sequence = 0
        self._cond = threading.Condition()
        self._running = True
        self.sent = 0
        self.lateness = []  # seconds each datagram left after its due time (bounded sample)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def later(self, delay: float, sock, data: bytes, address):
        import time
        due = time.monotonic() + delay
        with self._cond:
            self._sequence += 1
            self._heapq.heappush(self._heap, (due, self._sequence, sock, data, address))
            self._cond.notify()

    def _run(self):
        import time
        while True:
            with self._cond:
                while self._running and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = None if not self._heap else max(0.0, self._heap[0][0] - time.monotonic())
                    self._cond.wait(timeout)
                if not self._running:
                    return
                due, _, sock, data, address = self._heapq.heappop(self._heap)
            try:
                sock.sendto(data, address)
                self.sent += 1
                if len(self.lateness) < 10000:
                    self.lateness.append(time.monotonic() - due)
            except OSError:
                pass

    def close(self):
        with self._cond:
            self._running = False
            self._cond.notify()
        self._thread.join(timeout=2)


class DelayRelay(UDPRelay):
    """Holds every datagram, both ways, for `delay` seconds (a fixed one-way
    link delay in userspace, since the kernel here has no netem)."""

    def __init__(self, target_port: int, delay: float, scheduler: DelayScheduler = None):
        super().__init__(target_port)
        self.delay = delay
        self.scheduler = scheduler or DelayScheduler()
        self._own_scheduler = scheduler is None
        self.start()

    def _upstream(self):
        while self.running:
            try:
                data, addr = self.front.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            self.client = addr
            for datagram in self.upstream(data):
                self.scheduler.later(self.delay, self.back, datagram, self.target)

    def _downstream(self):
        while self.running:
            try:
                data, _ = self.back.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            if self.client and self.downstream(data):
                self.scheduler.later(self.delay, self.front, data, self.client)

    def close(self):
        super().close()
        if self._own_scheduler:
            self.scheduler.close()
