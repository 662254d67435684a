"""The web client served by the backend at `/`: two browsers join one room and see each
other's video, chat and mute indicators; a late third gets the chat history and both videos;
a WebSocket reset by the server side (ss -K) or dropped by the page is rejoined by itself."""
import json
import random
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser import call, chromium
from conftest import ROOT, RUN_DIR, edgemesh_bin, free_port, wait_until

ARTIFACTS = RUN_DIR / "artifacts"


@pytest.fixture(scope="module")
def dev():
    RUN_DIR.mkdir(exist_ok=True)
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    base = random.randrange(20000, 32000, 100)  # below the ephemeral range (32768+)
    log = open(RUN_DIR / "web-dev.log", "w")
    proc = subprocess.Popen([edgemesh_bin(), "dev", "--base-port", str(base), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

    def ready():
        assert proc.poll() is None, (RUN_DIR / "web-dev.log").read_text()[-2000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/regions", timeout=1) as r:
            return all(any(n["healthy"] for n in reg["nodes"]) for reg in json.loads(r.read()))
    try:
        wait_until(ready, 60, "every region of edgemesh dev healthy")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), b""


def test_static_files_have_types_and_no_traversal(dev):
    status, ctype, body = get(dev + "/")
    assert status == 200 and ctype.startswith("text/html") and b'src="/web/app.js"' in body
    for name, kind in [("app.js", "text/javascript"), ("session.js", "text/javascript"), ("style.css", "text/css")]:
        status, ctype, body = get(f"{dev}/web/{name}")
        assert status == 200 and ctype.startswith(kind) and body, (name, status, ctype)
    for bad in ["/web/..%2FPackage.swift", "/web/%2E%2E%2F%2E%2E%2FPackage.swift", "/web/.hidden",
                "/web/../../Package.swift", "/web/nope.js", "/web/a%5Cb.js"]:
        assert get(dev + bad)[0] == 404, bad


def join(dev, room, name):
    driver = chromium()
    driver.get(dev + "/")
    driver.find_element(By.ID, "room").clear()
    driver.find_element(By.ID, "room").send_keys(room)
    driver.find_element(By.ID, "name").send_keys(name, Keys.ENTER)  # keyboard only
    wait_until(lambda: driver.execute_script("return window.__edgemesh.state.selfId"), 20, f"{name} joined")
    return driver


def self_id(driver):
    return driver.execute_script("return window.__edgemesh.state.selfId")


def frames(driver, participant):
    return driver.execute_script("return (window.__edgemesh.framesDecoded() || {})[arguments[0]] || 0", participant)


def sees_video(viewer, publisher, what):
    """framesDecoded of `publisher`'s tile in `viewer` rises past a first reading."""
    pid = self_id(publisher)
    first = wait_until(lambda: frames(viewer, pid), 30, f"{what}: first decoded frames")
    wait_until(lambda: frames(viewer, pid) > first + 10, 20, f"{what}: frames keep being decoded")


def chat(driver, text, keyboard=False):
    box = driver.find_element(By.ID, "chat-input")
    box.send_keys(text)
    if keyboard:
        box.send_keys(Keys.ENTER)
    else:
        driver.find_element(By.CSS_SELECTOR, "#chat-form button").click()


def chat_texts(driver):
    return driver.execute_script("return window.__edgemesh.chat()")


def test_two_browsers_then_a_late_third(dev):
    room = f"web-{random.randrange(1 << 30)}"
    drivers = []
    try:
        alice = join(dev, room, "Alice")
        drivers.append(alice)
        alice.save_screenshot(str(ARTIFACTS / "web-alone.png"))
        bob = join(dev, room, "Bob")
        drivers.append(bob)
        sees_video(alice, bob, "Alice sees Bob")
        sees_video(bob, alice, "Bob sees Alice")

        chat(alice, "hello from alice")
        wait_until(lambda: "hello from alice" in chat_texts(bob), 10, "Bob receives Alice's chat")
        chat(bob, "hi alice", keyboard=True)
        wait_until(lambda: "hi alice" in chat_texts(alice), 10, "Alice receives Bob's chat")

        alice.find_element(By.ID, "mute-mic").click()
        alice_id = self_id(alice)
        wait_until(lambda: bob.execute_script("return window.__edgemesh.mutedIndicator(arguments[0], 'audio')", alice_id),
                   10, "Bob sees Alice's microphone muted")
        assert not bob.execute_script("return window.__edgemesh.mutedIndicator(arguments[0], 'video')", alice_id)
        assert bob.find_element(By.CSS_SELECTOR, f'[data-participant="{alice_id}"] .mic-muted').is_displayed()
        alice.find_element(By.ID, "mute-mic").click()
        wait_until(lambda: bob.execute_script("return window.__edgemesh.mutedIndicator(arguments[0], 'audio')", alice_id) is False,
                   10, "Bob sees Alice's microphone unmuted")

        bob.find_element(By.ID, "mute-cam").click()
        bob_id = self_id(bob)
        wait_until(lambda: alice.execute_script("return window.__edgemesh.mutedIndicator(arguments[0], 'video')", bob_id),
                   10, "Alice sees Bob's camera off")
        assert bob.find_element(By.ID, "mute-cam").get_attribute("aria-pressed") == "true"
        bob.find_element(By.ID, "mute-cam").click()
        wait_until(lambda: alice.execute_script("return window.__edgemesh.mutedIndicator(arguments[0], 'video')", bob_id) is False,
                   10, "Alice sees Bob's camera on again")

        bob.find_element(By.ID, "toggle-conn").click()
        panel = bob.find_element(By.ID, "connection")
        wait_until(lambda: panel.is_displayed() and "Round trip" in panel.text and " ms" in panel.text, 10,
                   "Bob's connection panel shows region, node and RTT")
        region = bob.execute_script("return window.__edgemesh.state.joined.sfu.node")
        assert region in panel.text

        carol = join(dev, room, "Carol")
        drivers.append(carol)
        wait_until(lambda: {"hello from alice", "hi alice"} <= set(chat_texts(carol)), 10, "Carol gets the chat history")
        sees_video(carol, alice, "Carol sees Alice")
        sees_video(carol, bob, "Carol sees Bob")
        sees_video(alice, carol, "Alice sees Carol")
        # Screen sharing as a second video track (a canvas stands in for the screen picker).
        call(alice, """(() => {
            const canvas = document.createElement('canvas'); canvas.width = 640; canvas.height = 360;
            const g = canvas.getContext('2d'); let n = 0;
            setInterval(() => { g.fillStyle = `hsl(${n++ % 360},80%,50%)`; g.fillRect(0, 0, 640, 360); }, 50);
            return window.__edgemesh.shareScreen(canvas.captureStream(20));
        })()""")
        screen_tile = f"{alice_id}:screen"
        first = wait_until(lambda: frames(carol, screen_tile), 30, "Carol decodes Alice's screen")
        wait_until(lambda: frames(carol, screen_tile) > first + 10, 20, "Alice's screen keeps playing at Carol")
        sees_video(carol, alice, "Carol still sees Alice's camera while the screen is shared")
        carol.set_window_size(1280, 800)
        carol.save_screenshot(str(ARTIFACTS / "web-three-person-call.png"))
        carol.set_window_size(360, 740)
        carol.save_screenshot(str(ARTIFACTS / "web-three-person-call-360px.png"))
        assert carol.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), \
            "the call screen scrolls sideways at 360 px"
    finally:
        for driver in drivers:
            driver.quit()


def test_join_screen_screenshot_and_reconnect_after_socket_drop(dev):
    room = f"web-{random.randrange(1 << 30)}"
    drivers = []
    try:
        viewer = chromium()
        drivers.append(viewer)
        viewer.get(dev + "/")
        viewer.set_window_size(1000, 1000)
        viewer.find_element(By.ID, "name").send_keys("Dana")
        wait_until(lambda: viewer.execute_script(
            "return document.querySelectorAll('#camera-select option').length > 0 && document.getElementById('preview').videoWidth > 0"),
            20, "camera preview and device list on the join screen")
        viewer.save_screenshot(str(ARTIFACTS / "web-join-screen.png"))
        viewer.quit()
        drivers.clear()

        dana = join(dev, room, "Dana")
        drivers.append(dana)
        erin = join(dev, room, "Erin")
        drivers.append(erin)
        sees_video(erin, dana, "Erin sees Dana")
        before = {self_id(dana), self_id(erin)}
        # Kill the backend's side of every established connection (TCP reset from the server).
        port = dev.rsplit(":", 1)[1]
        subprocess.run(["ss", "-K", "-t", "state", "established", f"( sport = :{port} )"],
                       check=True, capture_output=True)
        wait_until(lambda: not ({self_id(dana), self_id(erin)} & before), 30, "both pages rejoin with new participant ids")
        sees_video(erin, dana, "Erin sees Dana again after the rejoin")
        sees_video(dana, erin, "Dana sees Erin again after the rejoin")
        # A client-side drop is rejoined the same way.
        before = self_id(dana)
        dana.execute_script("window.__edgemesh.dropSocket()")
        wait_until(lambda: (self_id(dana) or before) != before, 30, "Dana rejoins after a client-side drop")
        sees_video(erin, dana, "Erin sees Dana after the second rejoin")
        assert dana.execute_script("return window.__edgemesh.state.connects") >= 3
    finally:
        for driver in drivers:
            driver.quit()


def test_a_bad_token_is_explained_not_retried(dev):
    driver = chromium()
    try:
        driver.get(dev + "/#token=not.a.token")
        driver.find_element(By.ID, "name").send_keys("Mallory")
        driver.find_element(By.ID, "join-button").click()
        error = driver.find_element(By.ID, "call-error")
        wait_until(lambda: "not valid" in error.text, 20, "the page explains the refused token")
        connects = driver.execute_script("return window.__edgemesh.state.connects")
        time.sleep(2)  # no synchronisation: checks that nothing happens (no reconnect loop)
        assert driver.execute_script("return window.__edgemesh.state.connects") == connects == 1
    finally:
        driver.quit()


def test_unread_badge_counts_chat_while_the_panel_is_closed(dev):
    room = f"web-{random.randrange(1 << 30)}"
    drivers = []
    try:
        fay = join(dev, room, "Fay")
        drivers.append(fay)
        gus = join(dev, room, "Gus")
        drivers.append(gus)
        gus.find_element(By.ID, "toggle-chat").click()
        assert gus.find_element(By.ID, "toggle-chat").get_attribute("aria-expanded") == "false"
        chat(fay, "are you there?")
        chat(fay, "hello?")
        badge = gus.find_element(By.ID, "unread")
        wait_until(lambda: badge.is_displayed() and badge.text == "2 unread", 10, "Gus's unread badge shows 2")
        gus.find_element(By.ID, "toggle-chat").click()
        assert not badge.is_displayed()
        assert chat_texts(gus)[-2:] == ["are you there?", "hello?"]
        fay_id = self_id(fay)
        fay.find_element(By.ID, "leave").click()
        wait_until(lambda: fay_id not in gus.execute_script("return window.__edgemesh.participants()"), 10,
                   "Fay's tile disappears at Gus when she leaves")
        assert "Fay left" in gus.find_element(By.ID, "announcer").get_attribute("textContent")
        assert fay.find_element(By.ID, "join-screen").is_displayed()
    finally:
        for driver in drivers:
            driver.quit()
