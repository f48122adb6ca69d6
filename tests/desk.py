"""Starting the desk for browser tests and benchmarks (imported as ``tests.desk``; conftest re-exports it).

:func:`start_streamlit` serves ``serve.py`` (what ``make dashboard`` runs) on a
free local port; :func:`offline_context` is a browser context that may reach
this machine only, recording every request it refused.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: What ``serve.py`` logs when its start-up warm-up has finished (well or not).
WARM_UP_DONE, WARM_UP_FAILED = "warm-up done", "warm-up failed"


@contextlib.contextmanager
def main_module_kept():
    """Put back the process's ``__main__`` module on the way out.

    Streamlit's AppTest runs a page as ``__main__`` and leaves it there. A later
    test that starts processes with "spawn" then re-ran that page in every child,
    which failed (nobody signed in) and broke the pool with EOFError.
    """
    main = sys.modules.get("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


@contextlib.contextmanager
def start_streamlit(store: Path, workdir: Path, user: str = "browser-test", timeout: float = 60,
                    script: str = "serve.py", wait_warm_up: bool = True, env: dict | None = None):
    """``streamlit run serve.py --server.headless true`` on a free port; yields (url, log path).

    ``serve.py`` is how the desk is started (``make dashboard``): ``dashboard.py`` with a start-up warm-up
    of the caches. With ``wait_warm_up`` (and ``serve.py``), returns once the warm-up has logged that it
    finished, well or not (tests assert which), as a desk started ahead of its first analyst would be.
    ``script="dashboard.py"`` starts the page script alone (no warm-up).
    """
    port = free_port()
    log = workdir / f"streamlit-{port}.log"
    env = {**os.environ, "EWARNING_STORE": str(store), "EWARNING_TILES": "", "EWARNING_USER": user, **(env or {})}
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        while wait_warm_up and script == "serve.py":
            text = log.read_text(errors="replace")
            if WARM_UP_DONE in text or WARM_UP_FAILED in text:
                break
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the warm-up did not finish:\n{text}")
            time.sleep(0.2)
        yield url, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def offline_context(browser, width: int = 1440, height: int = 900):
    """A browser context whose every request for another host than this machine is aborted and recorded;
    returns (context, the list of refused URLs)."""
    from urllib.parse import urlparse

    context = browser.new_context(viewport={"width": width, "height": height})
    external: list[str] = []

    def gate(route):
        request_url = route.request.url
        if request_url.startswith(("data:", "blob:", "about:")) or urlparse(request_url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            external.append(request_url)
            route.abort()

    context.route("**/*", gate)
    return context, external
