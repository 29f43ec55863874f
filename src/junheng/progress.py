"""Progress on standard error for long runs (a national file takes tens of seconds).

A step says nothing when it ends within ``after`` seconds, so small counties and the tests see no
chatter; a longer step announces itself once it has run that long, reports how far it got at most
every ``every`` seconds, and says how long it took. Steps follow one another; they do not nest.

    progress = Progress()
    with progress.step("写出测算表"):
        for done, county in enumerate(counties, start=1):
            ...
            progress.advance(done, len(counties), "个县")
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, after: float = 2.0, every: float = 5.0) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.after, self.every = after, every
        self._label = ""
        self._started = 0.0
        self._announced = False
        self._last = 0.0
        self._lock = threading.Lock()

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def _announce(self) -> None:
        with self._lock:
            if not self._announced and self._label:
                self._announced = True
                self._last = time.monotonic()
                self._say(f"正在{self._label}……")

    @contextmanager
    def step(self, label: str) -> Iterator[Progress]:
        """Time one step; announce it if it runs longer than ``after`` seconds."""
        self._label, self._started, self._announced = label, time.monotonic(), False
        timer = threading.Timer(self.after, self._announce) if self.after > 0 else None
        if timer is None:
            self._announce()
        else:
            timer.daemon = True
            timer.start()
        try:
            yield self
        finally:
            if timer is not None:
                timer.cancel()
            with self._lock:
                if self._announced:
                    self._say(f"{label}完成（{time.monotonic() - self._started:.1f} 秒）")
                self._label = ""

    def advance(self, done: int, total: int, unit: str = "") -> None:
        """How far the current step got; shown only once the step has been announced."""
        now = time.monotonic()
        if not self._announced and now - self._started >= self.after:
            self._announce()
        with self._lock:
            if self._announced and now - self._last >= self.every:
                self._last = now
                self._say(f"  {self._label}：{done:,}/{total:,} {unit}".rstrip())


class Silent(Progress):
    """No progress at all (library callers that pass nothing)."""

    def __init__(self) -> None:
        super().__init__(stream=sys.stderr, after=float("inf"))

    @contextmanager
    def step(self, label: str) -> Iterator[Progress]:
        yield self

    def advance(self, done: int, total: int, unit: str = "") -> None:
        return None


SILENT = Silent()
