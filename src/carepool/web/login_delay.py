"""Progressive delay on failed log-ins, instead of an account lock-out a stranger could trigger.

Locking an account after N failures lets anyone who knows an email address lock its owner out.
Here nothing locks: each failed log-in makes the next attempt for the same account wait longer,
counted two ways so that guessing is slow but the owner is never shut out by someone else:

- per client address *and* account: 0 s for the first ``PAIR_FREE`` failures, then 1, 2, 4 ...
  up to ``PAIR_MAX`` seconds, so one source guessing one password is soon very slow;
- per account from any address: a gentler delay from ``ACCOUNT_FREE`` failures, at most
  ``ACCOUNT_MAX`` seconds, so many sources sharing the guessing are slowed too, while the owner
  still gets in within a few seconds.

The delay depends only on earlier failures for the email as typed, never on whether the
account exists, so it reveals nothing. The wait happens on the event loop (``asyncio.sleep``),
so a waiting attempt holds no worker thread. Counts are kept per server process, bounded in
memory, and forgotten after the window (the settings' ``login_ip_window``).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

PAIR_FREE, PAIR_MAX = 3, 30.0
ACCOUNT_FREE, ACCOUNT_MAX = 10, 5.0
MAX_KEYS = 20_000
KEPT = 64           # failures remembered per key (enough to reach the longest delay)


def pair_delay(failures: int) -> float:
    return 0.0 if failures < PAIR_FREE else min(PAIR_MAX, float(2 ** (failures - PAIR_FREE)))


def account_delay(failures: int) -> float:
    return 0.0 if failures < ACCOUNT_FREE else min(ACCOUNT_MAX, 0.5 * (failures - ACCOUNT_FREE + 1))


class LoginDelays:
    """Recent failed log-ins by (address, account) and by account; ``before`` says how long to wait."""

    def __init__(self, window: float, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = MAX_KEYS) -> None:
        self.window, self.max_keys, self._clock = window, max_keys, clock
        self._failures: OrderedDict[tuple[str, ...], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _keys(address: str, email: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        account = email.strip().lower()
        return ("pair", address, account), ("account", account)

    def _count(self, key: tuple[str, ...], now: float) -> int:
        times = self._failures.get(key)
        if times is None:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return len(times)

    def before(self, address: str, email: str) -> float:
        """Seconds to wait before checking this attempt's password."""
        pair, account = self._keys(address, email)
        with self._lock:
            now = self._clock()
            return max(pair_delay(self._count(pair, now)), account_delay(self._count(account, now)))

    def fail(self, address: str, email: str) -> None:
        with self._lock:
            now = self._clock()
            for key in self._keys(address, email):
                times = self._failures.setdefault(key, deque(maxlen=KEPT))
                times.append(now)
                self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeed(self, address: str, email: str) -> None:
        """The right password: this address's failures for the account are forgiven."""
        pair, _ = self._keys(address, email)
        with self._lock:
            self._failures.pop(pair, None)
