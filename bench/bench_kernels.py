"""Side-by-side kernel timings, ctorch vs torch, in one process (best of several runs).

Usage: PYTHONPATH=python python3 bench/bench_kernels.py [--threads 1,2] [--only mm,add,...]
"""
import argparse
import time

import torch
import ctorch


def best(fn, reps, rounds=7):
    fn()
    b = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        b = min(b, (time.perf_counter() - t) / reps)
    return b


def cases():
    out = []
    for n in (1024, 2048):
        for dt in ("float32", "float64"):
            def mk(lib, n=n, dt=dt):
                g = torch.Generator().manual_seed(0)
                a = torch.randn(n, n, generator=g, dtype=getattr(torch, dt))
                b = torch.randn(n, n, generator=g, dtype=getattr(torch, dt))
                if lib is ctorch:
                    a, b = ctorch.tensor(a.numpy()), ctorch.tensor(b.numpy())
                return lambda: a @ b
            out.append((f"mm{n}_{dt}", mk, 2.0 * n ** 3, "GFLOP/s", 1 if n == 2048 else 3))
    N = 1 << 24
    def unary(name, f, nbytes):
        def mk(lib):
            x = torch.randn(N)
            if lib is ctorch:
                x = ctorch.tensor(x.numpy())
            return lambda: f(lib, x)
        return (name, mk, nbytes, "GB/s", 5)
    def binary(name, f):
        def mk(lib):
            x, y = torch.randn(N), torch.randn(N)
            if lib is ctorch:
                x, y = ctorch.tensor(x.numpy()), ctorch.tensor(y.numpy())
            return lambda: f(x, y)
        return (name, mk, 12.0 * N, "GB/s", 5)
    out.append(binary("add16M", lambda x, y: x + y))
    def binary_out(name, f):
        def mk(lib):
            x, y, z = torch.randn(N), torch.randn(N), torch.empty(N)
            if lib is ctorch:
                x, y, z = (ctorch.tensor(t.numpy()) for t in (x, y, z))
            return lambda: f(lib, x, y, z)
        return (name, mk, 12.0 * N, "GB/s", 5)
    out.append(binary_out("add16M_out", lambda L, x, y, z: L.add(x, y, out=z)))
    out.append(binary_out("mul16M_out", lambda L, x, y, z: L.mul(x, y, out=z)))
    out.append(binary("mul16M", lambda x, y: x * y))
    out.append(unary("exp16M", lambda L, x: L.exp(x), 8.0 * N))
    def unary_out(name, f):
        def mk(lib):
            x, z = torch.randn(N), torch.empty(N)
            if lib is ctorch:
                x, z = ctorch.tensor(x.numpy()), ctorch.tensor(z.numpy())
            return lambda: f(lib, x, z)
        return (name, mk, 8.0 * N, "GB/s", 5)
    out.append(unary_out("exp16M_out", lambda L, x, z: L.exp(x, out=z)))
    out.append(unary_out("relu16M_inplace", lambda L, x, z: L.relu_(x)))
    out.append(unary("relu16M", lambda L, x: L.relu(x), 8.0 * N))
    out.append(unary("sigmoid16M", lambda L, x: L.sigmoid(x), 8.0 * N))
    out.append(unary("tanh16M", lambda L, x: L.tanh(x), 8.0 * N))
    out.append(unary("log16M", lambda L, x: L.log(x.abs()) if False else L.log(x), 8.0 * N))
    out.append(unary("sin16M", lambda L, x: L.sin(x), 8.0 * N))
    out.append(unary("sum16M", lambda L, x: x.sum(), 4.0 * N))
    def tcopy(lib):
        x = torch.randn(4096, 4096)
        if lib is ctorch:
            x = ctorch.tensor(x.numpy())
        return lambda: x.t().contiguous()
    out.append(("transpose4096", tcopy, 8.0 * 4096 * 4096, "GB/s", 3))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--only", default="")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    for nt in map(int, args.threads.split(",")):
        torch.set_num_threads(nt)
        ctorch.set_num_threads(nt)
        print(f"--- threads={nt}")
        for name, mk, work, unit, reps in cases():
            if only and not any(name.startswith(o) for o in only):
                continue
            tt = best(mk(torch), reps, args.rounds)
            tc = best(mk(ctorch), reps, args.rounds)
            print(f"{name:16s} torch {work / tt / 1e9:8.1f}  ctorch {work / tc / 1e9:8.1f} {unit:8s} ratio {tt / tc:5.2f}",
                  flush=True)


if __name__ == "__main__":
    main()
