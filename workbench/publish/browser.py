"""Headless Chromium for the publication: PDF of a report, screenshots, the rendered DOM.

Debian's ``chromium`` package (``.ci/run`` installs it when missing). Every function returns
``None`` -- and the caller says so -- when no browser is installed.

Examples
--------
>>> chromium() is None or chromium().name.startswith(("chromium", "google-chrome", "chrome"))
True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["chromium", "print_pdf", "screenshot", "dump_dom", "NO_BROWSER"]

#: the message when no browser is installed
NO_BROWSER = (
    "no headless browser: install Debian's chromium (apt-get install chromium) to "
    "render PDFs and screenshots and to run the browser tests"
)
_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def chromium() -> Path | None:
    """The Chromium executable (``$WORKBENCH_CHROMIUM`` or on ``PATH``), or ``None``."""
    given = os.environ.get("WORKBENCH_CHROMIUM")
    if given:
        return Path(given) if Path(given).is_file() else None
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def print_pdf(page: Path, pdf: Path, *, timeout: float = 180) -> Path | None:
    """Print ``page`` (an HTML file) to ``pdf`` with the print stylesheet; ``None`` without
    a browser. Raises ``RuntimeError`` naming the page when Chromium fails."""
    tmp = Path(pdf).with_name(f".{Path(pdf).name}.tmp.pdf")
    result = _run([f"--print-to-pdf={tmp}", "--no-pdf-header-footer"], page, timeout)
    if result is None:
        return None
    if not tmp.is_file() or tmp.stat().st_size == 0:
        raise RuntimeError(f"print_pdf: Chromium made no PDF of {page}: {result.stderr[-400:]}")
    os.replace(tmp, pdf)
    return Path(pdf)


def screenshot(
    page: Path, png: Path, *, size: tuple[int, int] = (1280, 900), timeout: float = 180
) -> Path | None:
    """A PNG of the first screen of ``page``; ``None`` without a browser."""
    Path(png).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(png).with_name(f".{Path(png).name}.tmp.png")
    result = _run(
        [f"--screenshot={tmp}", f"--window-size={size[0]},{size[1]}", "--hide-scrollbars"],
        page,
        timeout,
    )
    if result is None:
        return None
    if not tmp.is_file():
        raise RuntimeError(
            f"screenshot: Chromium made no screenshot of {page}: {result.stderr[-400:]}"
        )
    os.replace(tmp, png)
    return Path(png)


def dump_dom(page: Path, *, timeout: float = 180) -> tuple[str, str] | None:
    """The DOM of ``page`` after Chromium loaded it, and Chromium's log (console messages
    appear there as ``CONSOLE(...)`` / ``Console`` lines); ``None`` without a browser."""
    result = _run(["--dump-dom", "--enable-logging=stderr", "--v=0"], page, timeout)
    return None if result is None else (result.stdout, result.stderr)


def _run(flags: list[str], page: Path, timeout: float):
    exe = chromium()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="wb-chromium-") as profile:
        command = [
            str(exe),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            "--allow-file-access-from-files",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",
            *flags,
            Path(page).resolve().as_uri(),
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
