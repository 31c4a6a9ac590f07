"""Built pages at two sizes, side by side: how much slower each is at the larger size.

    python bench/compare.py var/bench/sqlite-1000 var/bench/sqlite-100000

Reads the newest ``results-*.json`` of each run folder ``web_bench.py`` wrote and prints a
Markdown table of the built (uncached) pages: requests per second at each size, the
slowdown (the issue's target is at most 1.5×), the share of the minimal page, and queries.
"""

import json
import sys
from pathlib import Path


def newest_results(folder):
    files = sorted(Path(folder).glob("results-*.json"))
    if not files:
        sys.exit(f"No results-*.json in {folder}: run bench/web_bench.py first.")
    return json.loads(files[-1].read_text())


def main(small_folder, large_folder):
    small, large = newest_results(small_folder), newest_results(large_folder)
    sizes = f"{small['built']['size']:,}", f"{large['built']['size']:,}"
    print(
        f"| page | requests/s at {sizes[0]} | at {sizes[1]} | slower by | of minimal at "
        f"{sizes[0]} | at {sizes[1]} | queries at {sizes[0]} | at {sizes[1]} |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    small_pages = small["runs"]["uncached"]["pages"]
    large_pages = large["runs"]["uncached"]["pages"]
    for name, before in small_pages.items():
        after = large_pages.get(name)
        if after is None or not before.get("rps") or not after.get("rps"):
            continue
        slower = before["rps"] / after["rps"]
        print(
            f"| {name} | {before['rps']:,.1f} | {after['rps']:,.1f} | {slower:.1f}× | "
            f"{before['share']:.1%} | {after['share']:.1%} | {before['queries']} | "
            f"{after['queries']} |"
        )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
