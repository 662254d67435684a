"""Headless Chromium peers driven through Selenium (flags from ENVIRONMENT.md)."""
import functools
import http.server
import threading
import pathlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

WEB_DIR = pathlib.Path(__file__).resolve().parent / "web"


class StaticServer:
    """Serves Tests/integration/web on a loopback port (a secure context for getUserMedia)."""

    def __init__(self):
        handler = functools.partial(_QuietHandler, directory=str(WEB_DIR))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                 "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
                 "--disable-features=WebRtcHideLocalIpsWithMdns"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(30)
    return driver


def call(driver, expression, *args):
    """Awaits `expression` (a promise using arguments[0..]) in the page and returns its value."""
    script = ("const done = arguments[arguments.length - 1];"
              f"Promise.resolve().then(() => {expression})"
              ".then((v) => done({ok: v}), (e) => done({error: String(e)}));")
    result = driver.execute_async_script(script, *args)
    if "error" in result:
        raise AssertionError(f"page error: {result['error']}")
    return result["ok"]
