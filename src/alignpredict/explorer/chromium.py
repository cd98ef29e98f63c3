"""Drive a headless Chromium over the DevTools protocol (one page, one websocket): open a file, evaluate,
press keys, click, drag, type, attach or drop files, screenshot, and record every request the page makes.

Used by the explorer's browser test and by scripts/explorer_screenshot.py. Needs a `chromium` binary (Debian's
package) and the `websocket-client` package (the `dev` extra); nothing is downloaded.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from alignpredict.utils.io import atomic_path

BINARIES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-port=0",
)
KEYS = {"ArrowRight": 39, "ArrowLeft": 37, "ArrowUp": 38, "ArrowDown": 40, "Enter": 13, "Tab": 9}


def find_chromium() -> str | None:
    """Path of a Chromium-family browser on PATH (CHROMIUM names one explicitly), or None."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
    return next((path for path in map(shutil.which, BINARIES) if path), None)


class BrowserError(RuntimeError):
    """The browser did not start, a command failed, or the page threw."""


class HeadlessChromium:
    """A headless Chromium with one page; use as a context manager."""

    def __init__(self, binary: str | None = None, width: int = 1420, height: int = 1000, timeout: float = 60.0):
        self.binary = binary or find_chromium()
        if self.binary is None:
            raise BrowserError("no Chromium found: install Debian's `chromium` package (apt-get install chromium)")
        self.width, self.height, self.timeout = width, height, timeout
        self.requests: list[str] = []
        self.errors: list[str] = []
        self._ids = itertools.count(1)
        self._events: list[dict[str, Any]] = []

    # -- lifecycle
    def __enter__(self) -> HeadlessChromium:
        try:
            import websocket
        except ImportError as error:  # pragma: no cover - the dev extra installs it
            raise BrowserError("the browser driver needs `websocket-client` (pip install -e '.[dev]')") from error
        self._profile = tempfile.mkdtemp(prefix="alignpredict-chromium-")
        command = [self.binary, *FLAGS, f"--user-data-dir={self._profile}", f"--window-size={self.width},{self.height}"]
        self._process = subprocess.Popen([*command, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            port = self._devtools_port()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=self.timeout) as answer:
                targets = json.load(answer)
            page = next(t for t in targets if t.get("type") == "page")
            self._socket = websocket.create_connection(
                page["webSocketDebuggerUrl"], timeout=self.timeout, suppress_origin=True
            )
            for domain in ("Page", "Runtime", "Network", "Log"):
                self.send(f"{domain}.enable")
            self.send(
                "Emulation.setDeviceMetricsOverride",
                width=self.width,
                height=self.height,
                deviceScaleFactor=1,
                mobile=False,
            )
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        socket = getattr(self, "_socket", None)
        if socket is not None:
            socket.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._profile, ignore_errors=True)

    def _devtools_port(self) -> int:
        """Chromium writes the port it picked into DevToolsActivePort in its profile folder."""
        marker = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                message = self._process.stderr.read().decode(errors="replace")[-2000:]
                raise BrowserError(f"{self.binary} exited with code {self._process.returncode}: {message}")
            if marker.is_file():
                lines = marker.read_text().split()
                if lines:
                    return int(lines[0])
            time.sleep(0.05)
        raise BrowserError(f"{self.binary} did not open its DevTools port within {self.timeout:.0f} s")

    # -- protocol
    def _record(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(" ".join(str(arg.get("value", arg.get("description"))) for arg in params["args"]))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(params["entry"].get("text", "log error"))
        self._events.append(message)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """One command; events that arrive meanwhile are recorded. Raises on a protocol error."""
        ident = next(self._ids)
        self._socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._record(message)

    def wait_for_event(self, method: str) -> dict[str, Any]:
        """Block until the event arrives (or was recorded since the last call); returns its params."""
        for index, message in enumerate(self._events):
            if message.get("method") == method:
                return self._events.pop(index).get("params", {})
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = json.loads(self._socket.recv())
            self._record(message)
            if message.get("method") == method:
                self._events.remove(message)
                return message.get("params", {})
        raise BrowserError(f"no {method} within {self.timeout:.0f} s")

    # -- page actions
    def open(self, path: str | os.PathLike, ready: str = "document.body.dataset.ready === '1'") -> str:
        """Load a local file and wait until `ready` is true; returns the file:// URL. Starts a fresh log of the
        page's requests and errors."""
        if not Path(path).is_file():
            raise FileNotFoundError(f"no page to open at {path}")
        url = Path(path).resolve().as_uri()
        self._events.clear()
        self.requests.clear()
        self.errors.clear()
        self.send("Page.navigate", url=url)
        self.wait_for_event("Page.loadEventFired")
        self.wait_until(ready)
        return url

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (awaited if it is a promise); raises if it throws."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def wait_until(self, expression: str, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self.evaluate(f"Boolean({expression})"):
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression}")
            time.sleep(0.05)

    def on_element(self, element_id: str, body: str) -> Any:
        """Evaluate `body` (JavaScript statements, with `e` bound to the element with that id) and return its value."""
        ident = json.dumps(element_id)
        return self.evaluate(
            f"(() => {{ const e = document.getElementById({ident});"
            f" if (e === null) throw new Error('no element #' + {ident}); {body} }})()"
        )

    def text(self, element_id: str) -> str:
        """What the user reads in an element (its rendered text) or in an input box (its value)."""
        return self.on_element(element_id, "return 'value' in e && e.tagName !== 'BUTTON' ? e.value : e.innerText;")

    def rect(self, element_id: str) -> dict[str, float]:
        """The element's box in viewport CSS pixels, scrolled into view first."""
        return self.on_element(
            element_id,
            "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return {left: r.left, top: r.top, width: r.width, height: r.height};",
        )

    def mouse(self, kind: str, x: float, y: float, clicks: int = 0, buttons: int = 0) -> None:
        """One mouse event at viewport CSS pixels; clicks > 0 for a left press / release, buttons=1 while dragging."""
        button = "left" if clicks or buttons else "none"
        params = {"type": kind, "x": x, "y": y, "button": button, "clickCount": clicks, "buttons": buttons}
        self.send("Input.dispatchMouseEvent", **params)

    def click(self, x: float, y: float) -> None:
        """A left click at viewport CSS pixels (moved, pressed, released), as a user's mouse makes it."""
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, clicks=1)
        self.mouse("mouseReleased", x, y, clicks=1)

    def press(self, key: str, times: int = 1) -> None:
        """Press a named key (ArrowRight, Enter, ...) on the focused element."""
        code = KEYS[key]
        for _ in range(times):
            for kind in ("keyDown", "keyUp"):
                self.send("Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=code)

    def focus(self, element_id: str) -> None:
        self.on_element(element_id, "e.focus();")

    def type_into(self, element_id: str, text: str) -> None:
        """Replace an input's text by typing, then press Enter and leave the box (fires its change event)."""
        self.on_element(element_id, "e.focus(); e.select();")
        self.send("Input.insertText", text=text)
        self.press("Enter")
        self.on_element(element_id, "e.blur();")

    def choose(self, element_id: str, value: str) -> None:
        """Pick an option of a <select> (headless Chromium draws no drop-down to click), firing its change event."""
        self.on_element(element_id, f"e.value = {json.dumps(value)}; e.dispatchEvent(new Event('change'));")

    def attach_file(self, selector: str, path: str | os.PathLike) -> None:
        """Choose a file in an <input type=file>, as the file dialog would."""
        root = self.send("DOM.getDocument")["root"]["nodeId"]
        node = self.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        self.send("DOM.setFileInputFiles", nodeId=node, files=[str(Path(path).resolve())])

    def drop_file(self, element_id: str, path: str | os.PathLike) -> None:
        """Drag a file from the desktop and drop it on the element's centre (enter, over, drop)."""
        rect = self.rect(element_id)
        x, y = rect["left"] + rect["width"] / 2, rect["top"] + rect["height"] / 2
        data = {"items": [], "files": [str(Path(path).resolve())], "dragOperationsMask": 1}
        for kind in ("dragEnter", "dragOver", "drop"):
            self.send("Input.dispatchDragEvent", type=kind, x=x, y=y, data=data)

    def screenshot(self, path: str | os.PathLike, full_page: bool = True) -> Path:
        """PNG of the page (the whole document when full_page) written to path."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            clip = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
            params.update(captureBeyondViewport=True, clip=clip)
        data = base64.b64decode(self.send("Page.captureScreenshot", **params)["data"])
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        return Path(path)

    def pixel(self, x: float, y: float) -> tuple[int, int, int]:
        """The colour the user sees at viewport CSS pixel (x, y), from a 1 x 1 screenshot."""
        import io

        from PIL import Image

        scroll_x, scroll_y = self.evaluate("[window.scrollX, window.scrollY]")  # clips are in page coordinates
        clip = {"x": float(x) + scroll_x, "y": float(y) + scroll_y, "width": 1, "height": 1, "scale": 1}
        data = base64.b64decode(self.send("Page.captureScreenshot", format="png", clip=clip)["data"])
        with Image.open(io.BytesIO(data)) as image:
            return tuple(image.convert("RGB").getpixel((0, 0)))
