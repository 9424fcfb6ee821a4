"""How many documents a search's words match, remembered for a minute: a statistic the SQLite search
plans with (core.search._dense_in_scope), never a result anybody sees.

Whether a word is common enough to walk a scope's cases newest first, or rare enough to list its
matches, is settled by counting its matches up to a bound (10,000 for a city of a million cases:
~1.2 ms on SQLite, a tenth of the city supervisor's search). Both plans return the same rows in the
same order; the count only chooses the faster one. A word's frequency moves slowly, so a count is
kept here for `TTL_SECONDS` in the process and reused by the next search with the same words and
scope: the pages after the first, the same word searched again by a colleague. A count a minute old
can at worst choose the slower plan for that minute (docs/interfaces.md, `search_filter`;
docs/architecture.md, "A search's count plans its page").

Per process and bounded (`MAX_ENTRIES`, the oldest first out); keyed by the database alias and the
counting statement with its values, so another database or another scope is another entry.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

TTL_SECONDS = 60.0
MAX_ENTRIES = 1024

# time.monotonic: a frozen or travelling clock (tests, time-machine) does not keep a count forever
_now = time.monotonic
_lock = threading.Lock()
_kept: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()


def remembered(key: Hashable, count: Callable[[], int]) -> int:
    """The count kept under `key` if it is younger than TTL_SECONDS, else `count()` (kept)."""
    now = _now()
    with _lock:
        found = _kept.get(key)
        if found is not None and now - found[0] < TTL_SECONDS:
            return found[1]
    value = count()  # outside the lock: two threads may both count, neither waits on the other's query
    with _lock:
        _kept[key] = (now, value)
        _kept.move_to_end(key)
        while len(_kept) > MAX_ENTRIES:
            _kept.popitem(last=False)
    return value


def forget() -> None:
    """Drop every kept count (tests: one test's index must not plan the next one's search)."""
    with _lock:
        _kept.clear()
