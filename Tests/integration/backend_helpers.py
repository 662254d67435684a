"""Helpers for the backend protocol tests: real `edgemesh backend` (and
redis-server) processes on free loopback ports, HS256 tokens minted in
Python, and a WebSocket client that records every message."""
import asyncio
import base64
import hashlib
import hmac
import json
import os
import pathlib
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid

from conftest import RUN_DIR, ROOT, edgemesh_bin, free_port, wait_until

SECRET = "edgemesh-test-secret-0123456789abcdef"  # 37 bytes


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(room="room", identity="alice", ttl=3600, secret=SECRET, alg="HS256", extra=None, drop=(), header=None,
         now=None):
    """An access token; `extra` adds or overrides claims, `drop` removes them."""
    now = int(time.time()) if now is None else now
    claims = {"sub": identity, "room": room, "iat": now, "exp": now + ttl}
    claims.update(extra or {})
    for key in drop:
        claims.pop(key, None)
    head = header or {"alg": alg, "typ": "JWT"}
    signing_input = b64url(json.dumps(head).encode()) + "." + b64url(json.dumps(claims).encode())
    if alg == "none":
        return signing_input + "."
    mac = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(mac)


def geoip_test_db():
    """MaxMind's GeoIP2-City-Test.mmdb (devops/fetch-test-data), or None when it cannot be had."""
    folder = os.environ.get("EDGEMESH_GEOIP_TEST_DIR", str(ROOT / ".cache" / "geoip-test-data"))
    path = pathlib.Path(folder) / "GeoIP2-City-Test.mmdb"
    if not path.exists():
        try:
            subprocess.run([str(ROOT / "devops" / "fetch-test-data")], check=True, capture_output=True, timeout=120)
        except Exception:  # noqa: BLE001 - reported by the caller's skip
            return None
    return str(path) if path.exists() else None


class BackendProcess:
    """`edgemesh backend` on a free port; stopped with SIGTERM (or killed)."""

    def __init__(self, sfu_addrs=(), redis_addr=None, dev_mode=True, args=(), env=None, name=None):
        self.port = free_port()
        self.name = name or f"backend-{uuid.uuid4().hex[:6]}"
        RUN_DIR.mkdir(exist_ok=True)
        self.log_path = RUN_DIR / f"{self.name}.log"
        self.log = open(self.log_path, "w")
        command = [edgemesh_bin(), "backend", "--port", str(self.port), "--log-level", "debug"]
        if sfu_addrs:
            command += ["--sfu-addrs", ",".join(sfu_addrs)]
        if redis_addr:
            command += ["--redis-addr", redis_addr]
        if dev_mode:
            command.append("--dev-mode")
        command += list(args)
        environment = {k: v for k, v in os.environ.items()
                       if k not in ("REDIS_ADDR", "SFU_ADDRS", "GEOIP_DB", "TRUSTED_PROXIES", "REGIONS_DIR", "PORT")}
        environment["JWT_SECRET"] = SECRET
        environment.update(env or {})
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=environment, cwd=ROOT)
        wait_until(self.healthy, 30, f"{self.name} /healthz")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, token, **params):
        query = "&".join([f"access_token={token}"] + [f"{k}={v}" for k, v in params.items()])
        return f"ws://127.0.0.1:{self.port}/v1/rtc?{query}"

    def healthy(self):
        assert self.proc.poll() is None, f"backend exited: {self.log_path.read_text()[-3000:]}"
        with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
            return r.status == 200

    def get(self, path, headers=None):
        """(status, parsed JSON or text) of a GET."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=5) as r:
                body = r.read().decode()
                status = r.status
        except urllib.error.HTTPError as error:
            body = error.read().decode()
            status = error.code
        try:
            return status, json.loads(body)
        except ValueError:
            return status, body

    def post(self, path, payload):
        request = urllib.request.Request(self.url + path, data=json.dumps(payload).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as r:
                return r.status, json.loads(r.read().decode() or "null")
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            return error.code, (json.loads(text) if text else None)

    def metrics(self) -> dict:
        _, text = self.get("/metrics")
        values = {}
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
        return values

    def stop(self, kill=False):
        if self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class RedisProcess:
    """A redis-server of our own on a free loopback port."""

    def __init__(self):
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed")
        self.port = free_port()
        RUN_DIR.mkdir(exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._ping, 10, "redis-server PONG")

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def _ping(self):
        import socket
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class Client:
    """A signaling client: every server message is kept in `messages`, in order."""

    def __init__(self, ws):
        self.ws = ws
        self.messages = []
        self.closed = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def connect(cls, url, **kwargs):
        import websockets
        ws = await websockets.connect(url, max_size=None, **kwargs)
        return cls(ws)

    async def _read(self):
        try:
            async for text in self.ws:
                message = json.loads(text)
                async with self._arrived:
                    self.messages.append(message)
                    self._arrived.notify_all()
        except Exception:  # noqa: BLE001 - the socket closed
            pass
        finally:
            self.closed.set()
            async with self._arrived:
                self._arrived.notify_all()

    async def send(self, message):
        await self.ws.send(message if isinstance(message, (str, bytes)) else json.dumps(message))

    async def wait_for(self, predicate, timeout=10, what="a message", start=0):
        """The first message from index `start` on that satisfies `predicate`."""
        deadline = asyncio.get_event_loop().time() + timeout
        async with self._arrived:
            while True:
                for message in self.messages[start:]:
                    if predicate(message):
                        return message
                remaining = deadline - asyncio.get_event_loop().time()
                if remaining <= 0 or (self.closed.is_set() and not any(predicate(m) for m in self.messages[start:])):
                    if self.closed.is_set() and remaining > 0:
                        raise AssertionError(f"socket closed while waiting for {what}; got {self.messages}")
                    raise AssertionError(f"timed out after {timeout}s waiting for {what}; got {self.messages}")
                try:
                    await asyncio.wait_for(self._arrived.wait(), remaining)
                except asyncio.TimeoutError:
                    pass

    async def wait_type(self, type_, timeout=10, start=0, **fields):
        def match(m):
            return m.get("type") == type_ and all(m.get(k) == v for k, v in fields.items())
        return await self.wait_for(match, timeout, f"{type_} {fields or ''}", start)

    def of_type(self, type_):
        return [m for m in self.messages if m.get("type") == type_]

    async def ping(self, ts=1, timeout=5):
        """Sends a ping and waits for its pong: proof that the socket is open."""
        start = len(self.messages)
        ident = f"ping-{uuid.uuid4().hex[:6]}"
        await self.send({"type": "ping", "ts": ts, "id": ident})
        return await self.wait_type("pong", timeout, start=start, ref=ident)

    async def request(self, message, expect_type, timeout=10):
        """Sends `message` with a fresh id and waits for the reply (or error) that refers to it."""
        ident = f"req-{uuid.uuid4().hex[:8]}"
        start = len(self.messages)
        await self.send({**message, "id": ident})
        return await self.wait_for(lambda m: m.get("ref") == ident and m.get("type") in (expect_type, "error"),
                                   timeout, f"reply to {message.get('type')}", start)

    async def wait_closed(self, timeout=10):
        await asyncio.wait_for(self.closed.wait(), timeout)

    async def close(self):
        await self.ws.close()
        self._reader.cancel()


async def rejection(url):
    """(status, JSON body) of a refused WebSocket upgrade."""
    import websockets
    try:
        ws = await websockets.connect(url)
    except websockets.exceptions.InvalidStatus as error:
        body = error.response.body or b""
        return error.response.status_code, (json.loads(body) if body else None)
    await ws.close()
    raise AssertionError("the upgrade was accepted")
