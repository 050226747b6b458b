"""How long the exporter fixtures live: until their parent dies, stdin closes or a maximum
duration passes, whichever is first (a test that panics must not leave them running)."""

import os
import sys
import threading
import time


def exit_with_parent(max_seconds: float) -> None:
    """Start a daemon thread that ends the process (os._exit, no cleanup needed) when the
    parent process is gone, or after `max_seconds`."""
    parent = os.getppid()
    deadline = time.monotonic() + max_seconds

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(0)
            if time.monotonic() > deadline:
                print("max duration reached, exiting", file=sys.stderr, flush=True)
                os._exit(0)
            time.sleep(0.5)

    threading.Thread(target=watch, name="lifetime", daemon=True).start()


def ready(what: str, url: str) -> None:
    """The one line the harness (and a human) can wait for."""
    print(f"READY {what} {url}", flush=True)
