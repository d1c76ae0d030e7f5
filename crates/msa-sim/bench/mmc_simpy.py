"""The M/M/c model of `msa-sim run --scenario mmc` in SimPy, for the speed comparison (bench.sh).

One FIFO queue in front of c single-worker servers (a simpy.Resource of capacity c), Poisson arrivals at rate
lam, exponential service of mean 1/mu; time in milliseconds. Prints requests, wall seconds, mean response time
and P(wait) (to check both simulators simulate the same thing), and the Erlang C values.

usage: python mmc_simpy.py [N] [c] [lam per ms] [mu per ms] [seed]
"""
import math
import random
import sys
import time

import simpy


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    c = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    lam = float(sys.argv[3]) if len(sys.argv) > 3 else 3.6
    mu = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)

    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=c)
    stats = {"done": 0, "sum": 0.0, "waited": 0}

    def request(env):
        arrived = env.now
        if servers.count >= c:
            stats["waited"] += 1
        with servers.request() as req:
            yield req
            yield env.timeout(rng.expovariate(mu))
        stats["done"] += 1
        stats["sum"] += env.now - arrived

    def clients(env):
        for _ in range(n):
            yield env.timeout(rng.expovariate(lam))
            env.process(request(env))

    t0 = time.perf_counter()
    env.process(clients(env))
    env.run()
    wall = time.perf_counter() - t0

    a = lam / mu
    head = sum(a**k / math.factorial(k) for k in range(c))
    tail = a**c / math.factorial(c) * c / (c - a)
    erlang_c = tail / (head + tail)
    print(f"requests {stats['done']}")
    print(f"wall_s {wall:.3f}")
    print(f"mean_ms {stats['sum'] / stats['done']:.4f}  (Erlang C: {erlang_c / (c * mu - lam) + 1 / mu:.4f})")
    print(f"p_wait {stats['waited'] / stats['done']:.4f}  (Erlang C: {erlang_c:.4f})")


if __name__ == "__main__":
    main()
