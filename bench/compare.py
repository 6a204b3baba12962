"""Time this tree's pages against another commit's, side by side, request by request.

    python bench/compare.py --old e2109a5 [--pages queue] [--requests 200]
                            [--posts 100000 --comments 1000000 --tags 1000] [--database-url URL]

The machine's speed drifts by tens of percent within minutes (bench/README.md), so two runs
of ``bench/run.py`` cannot show a change of a few percent. Here both servers run at once on the
same data set, each under gunicorn with one worker and the production config, and the client
asks them in turn (old then new, then new then old, …) for every page whose name contains
``--pages``. Drift then touches both alike. The old tree is ``git archive`` of the commit, under
``bench/data/tree-<commit>`` (its assets built); the data set is this tree's (``bench/run.py``
builds the same one).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``backoffice`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dataset, measure
from bench.run import NEXT_OF, PAGES, SECRET_KEY, follow_next, resolve
from bench.server import ROOT, serve


def old_tree(commit: str, env: dict[str, str]) -> Path:
    """The project as it was at ``commit``, with its assets built (made once, then reused)."""
    full = subprocess.run(
        ["git", "rev-parse", "--verify", f"{commit}^{{commit}}"], cwd=ROOT, check=True,
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    tree = dataset.DATA_DIR / f"tree-{full[:12]}"
    built = tree / ".built"
    if not built.exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", full], cwd=ROOT, check=True,
                                 capture_output=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        # Older trees' asset builds expect webassets' cache folder (then made by their setup).
        (tree / "static" / ".webassets-cache").mkdir(parents=True, exist_ok=True)
        # The production steps of its README: what its app refuses to start without.
        dataset.flask(["translate", "compile"], env, root=tree)
        dataset.flask(["assets", "build"], env, root=tree)
        built.touch()
    return tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="the commit to compare with")
    parser.add_argument("--pages", default="", help="only pages whose name contains this")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per server")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--tags", type=int, default=1_000)
    parser.add_argument("--database-url")
    args = parser.parse_args(argv)

    sizes = dataset.Sizes(args.posts, args.comments, args.tags)
    url = args.database_url or dataset.sqlite_url(sizes)
    env = {"BACKOFFICE_CONFIG": "production", "SECRET_KEY": SECRET_KEY,
           "SESSION_COOKIE_SECURE": "0", "DATABASE_URL": url}  # fmt: skip
    dataset.build(url, sizes, env)
    dataset.flask(["translate", "compile"], env)
    dataset.flask(["assets", "build"], env)
    facts = dataset.facts(url)
    tree = old_tree(args.old, env)
    pages = [p for p in PAGES if args.pages.lower() in p.name.lower()]
    if not pages:
        parser.error(f"no page's name contains {args.pages!r}")

    with ExitStack() as stack:
        servers = {
            "old": stack.enter_context(serve("old", "main:app", env, dataset.DATA_DIR, root=tree)),
            "new": stack.enter_context(serve("new", "main:app", env, dataset.DATA_DIR)),
        }
        clients = {name: measure.Client("127.0.0.1", s.port) for name, s in servers.items()}
        for client in clients.values():
            client.sign_in("/login", dataset.ADMIN_NAME, dataset.ADMIN_PASSWORD)
        print(f"{'page':<45} {'old p50':>9} {'new p50':>9} {'new/old':>8}   old {args.old}")
        for page in pages:
            path = resolve(page.url, facts)
            urls = {
                name: follow_next(client, path.removeprefix(NEXT_OF))
                if path.startswith(NEXT_OF) else path
                for name, client in clients.items()
            }  # fmt: skip
            seconds: dict[str, list[float]] = {name: [] for name in clients}
            for turn in range(args.warmup + args.requests):
                # Old first on even turns, new first on odd ones: neither always follows.
                order = list(clients.items())
                for name, client in order if turn % 2 == 0 else order[::-1]:
                    response = client.request("GET", urls[name])
                    measure.check(response, urls[name], page.marker)
                    if turn >= args.warmup:
                        seconds[name].append(response.seconds)
            old, new = (measure.percentile(seconds[n], 0.5) * 1000 for n in ("old", "new"))
            print(f"{page.name:<45} {old:7.2f}ms {new:7.2f}ms {new / old:8.3f}", flush=True)
        for client in clients.values():
            client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
