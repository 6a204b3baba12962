"""gunicorn's settings for Backoffice, read by any ``gunicorn main:app`` started in this
directory (and by the benchmark's servers, ``bench/server.py``).

Everything else is given on the command line (workers, bind address); see the README.
"""

import gc
import os

# A worker tells the master it is alive by changing a file in this directory on every pass
# of its loop, several times a request. On a disk-backed /tmp each change is a filesystem
# metadata write, about 5 % of a list page; gunicorn's documentation ("Blocking OS calls")
# recommends a RAM-backed directory.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


def post_worker_init(worker: object) -> None:
    """The application is loaded and lives as long as the worker: keep its objects out of
    the garbage collector's passes (``gc.freeze``). In-process, the collector's time per
    list page fell from 0.7 to 0.4 ms on average, mostly in the slow tail (p95), not the
    median."""
    gc.freeze()
