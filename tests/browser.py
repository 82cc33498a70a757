"""Headless Chromium for the browser tests (reports, class decks), driven over the DevTools protocol.

``make browser`` installs Debian's ``chromium``; without it the browser tests skip (and fail under CI).
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1280,1600", "--hide-scrollbars",
]


def chromium_or_skip() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required under CI (make browser installs it)")
        pytest.skip("chromium is not installed (make browser installs it)")
    return path


class Browser:
    """Headless Chromium driven over the DevTools protocol (websocket-client)."""

    def __init__(self, chromium: str, profile: Path):
        import websocket

        self.proc = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self.log: list[str] = []
        url = self._devtools_url(timeout=60)
        threading.Thread(target=lambda: self.log.extend(self.proc.stderr), daemon=True).start()
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)

    def _devtools_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        for line in self.proc.stderr:
            self.log.append(line)
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                return match.group(1)
            if time.monotonic() > deadline:
                break
        raise RuntimeError("chromium did not start: " + "".join(self.log[-20:]))

    def call(self, method: str, session: bool = False, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            assert time.monotonic() < deadline, f"no {method} within {timeout}s"
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            self.events.append(json.loads(self.ws.recv()))
        self.ws.settimeout(60)

    def open(self, url: str, screenshot: Path) -> dict:
        """Load ``url``; return its DOM facts, console errors and non-file requests."""
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")
        time.sleep(0.5)
        self.call("Runtime.evaluate", session=True, expression="1")  # collect late events
        facts = json.loads(self.call("Runtime.evaluate", session=True, returnByValue=True, expression="""
            JSON.stringify({
              lang: document.documentElement.lang,
              title: document.title,
              images: document.images.length,
              dataImages: [...document.images].filter(i => i.src.startsWith('data:')).length,
              brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length,
              scripts: document.scripts.length,
              text: document.body.innerText.length,
              font: getComputedStyle(document.body).fontFamily,
            })""")["result"]["value"])
        shot = self.call("Page.captureScreenshot", session=True, format="png")
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        facts["requests"] = [
            e["params"]["request"]["url"] for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
            and not e["params"]["request"]["url"].startswith(("file:", "data:", "about:"))
        ]
        facts["errors"] = [
            e["params"] for e in self.events
            if e.get("method") == "Runtime.exceptionThrown"
            or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
            or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
            or e.get("method") == "Network.loadingFailed"
        ]
        return facts

    def viewport(self, width: int, height: int) -> None:
        """Lay pages out in a window of ``width`` x ``height`` CSS pixels (scale 1)."""
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the current page (returned by value)."""
        reply = self.call("Runtime.evaluate", session=True, returnByValue=True, awaitPromise=True, expression=expression)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression[:80]}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """Save what the window shows as a PNG."""
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", session=True, format="png")["data"]))
        return path

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
