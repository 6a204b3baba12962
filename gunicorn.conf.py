"""gunicorn's settings for Backoffice, read by any ``gunicorn main:app`` started in this
directory (and by the benchmark's servers, ``bench/server.py``).

Everything else is given on the command line (workers, bind address); see the README.
"""

import os

# A worker tells the master it is alive by changing a file in this directory on every pass
# of its loop, several times a request. On a disk-backed /tmp each change is a filesystem
# metadata write, about 5 % of a list page; gunicorn's documentation ("Blocking OS calls")
# recommends a RAM-backed directory.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
