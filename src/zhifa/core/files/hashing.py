"""SHA-256 and SM3 of the same bytes in one pass (every stored file carries both digests)."""

from __future__ import annotations

import hashlib
import queue
import threading


class DualHasher:
    """SM3 (GB/T 32905-2016, the national standard digest) and SHA-256 over the same bytes.

    SM3 is the slower of the two (about a third of SHA-256's speed with SHA-NI), so for large inputs
    it runs in a helper thread fed through a small bounded queue: OpenSSL releases the GIL while
    hashing, so SM3 runs on one core while the request thread parses, writes and computes SHA-256 on
    the other. The queue holds at most QUEUE_CHUNKS chunks, so memory stays bounded. Call `finish()`
    (or `close()` on error paths) so the thread ends.
    """

    QUEUE_CHUNKS = 4

    def __init__(self, *, threaded: bool = True) -> None:
        self.sm3 = hashlib.new("sm3")
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._threaded = threaded
        self._queue: queue.Queue[bytes | None] | None = None
        self._thread: threading.Thread | None = None
        self._finished = False

    def _start(self) -> None:
        self._queue = queue.Queue(maxsize=self.QUEUE_CHUNKS)
        self._thread = threading.Thread(target=self._run, name="sm3-hasher", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._queue is not None
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            self.sm3.update(chunk)

    def update(self, data: bytes) -> None:
        if self._finished:
            raise RuntimeError("hasher already finished")
        if not data:
            return
        self.size += len(data)
        if self._threaded:
            if self._thread is None:
                self._start()
            assert self._queue is not None
            self._queue.put(bytes(data))
        else:
            self.sm3.update(data)
        self.sha256.update(data)

    def finish(self) -> tuple[str, str]:
        """(sha256, sm3) hex digests; waits for the SM3 thread."""
        self.close()
        return self.sha256.hexdigest(), self.sm3.hexdigest()

    def close(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self._thread is not None and self._queue is not None:
            self._queue.put(None)
            self._thread.join()
