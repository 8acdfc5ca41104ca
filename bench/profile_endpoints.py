"""cProfile one endpoint of bench/load.py's mix, in process, on its populated workspace.

Run: ./sanad bench bench/profile_endpoints.py [endpoint ...] [--rounds 20] [--top 25]
Prints the in-process CPU and SQL table of bench/load.py, then for each named endpoint
(e.g. "claims page") the functions with the most cumulative time over `rounds` requests.
"""

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import bench_database
from load import endpoint_costs, populate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoints", nargs="*")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    options = parser.parse_args()
    with bench_database():
        plan = populate(20, 20, 300)
        cases = endpoint_costs(plan)
        for name in options.endpoints:
            call = cases[name]
            for _ in range(3):
                call()
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(options.rounds):
                call()
            profile.disable()
            print(f"\n== {name}: {options.rounds} requests ==")
            pstats.Stats(profile).sort_stats(options.sort).print_stats(options.top)


if __name__ == "__main__":
    main()
