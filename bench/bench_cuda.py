"""CUDA kernels of ctorch against PyTorch on the same GPU, in one process (a benchmark, not a test).

Usage: python bench/bench_cuda.py [--quick] [--json out.json]

Every workload runs the same code with both libraries; times come from CUDA events around a
batch of launches after warm-up (median of repeats). Reported:
  * pointwise and reduction bandwidth in GB/s (bytes read + written), against the device-to-device
    copy rate measured in the same run (the practical bandwidth ceiling);
  * GEMM GFLOP/s for float32 / float16 / bfloat16 (ctorch's GEMM back end is printed: cuBLAS when
    it loaded, else ctorch's own tiled kernel; CTORCH_CUBLAS=0 forces the latter);
  * the per-op launch overhead of a one-element add.
Without torch (or without a GPU in torch) only ctorch's column is filled.
"""
import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import ctorch  # noqa: E402

try:
    import torch  # noqa: E402
    HAVE_TORCH = torch.cuda.is_available()
except Exception:  # pragma: no cover - torch missing
    torch, HAVE_TORCH = None, False


def time_gpu(lib, fn, reps, inner):
    """Median milliseconds per call of fn over `reps` batches of `inner` calls."""
    for _ in range(3):
        fn()
    lib.cuda.synchronize()
    out = []
    for _ in range(reps):
        a, b = lib.cuda.Event(enable_timing=True), lib.cuda.Event(enable_timing=True)
        a.record()
        for _ in range(inner):
            fn()
        b.record()
        b.synchronize()
        out.append(a.elapsed_time(b) / inner)
    return statistics.median(out)


def workloads(lib, quick):
    n = (16 if quick else 64) << 20
    f32 = lib.float32
    x = lib.rand(n, device="cuda", dtype=f32)
    y = lib.rand(n, device="cuda", dtype=f32)
    o = lib.empty(n, device="cuda", dtype=f32)
    xt = lib.rand(4096, n // 4096, device="cuda").t()
    nb = n * 4
    w = {
        "copy d2d (64M f32)": (lambda: o.copy_(x), 2 * nb, "GB/s"),
        "add (out=)": (lambda: lib.add(x, y, out=o), 3 * nb, "GB/s"),
        "add (alloc)": (lambda: x + y, 3 * nb, "GB/s"),
        "mul scalar": (lambda: lib.mul(x, 2.0, out=o), 2 * nb, "GB/s"),
        "exp": (lambda: lib.exp(x, out=o), 2 * nb, "GB/s"),
        "relu": (lambda: lib.relu(x), 2 * nb, "GB/s"),
        "transpose copy": (lambda: xt.contiguous(), 2 * nb, "GB/s"),
        "sum (all)": (lambda: x.sum(), nb, "GB/s"),
        "sum rows (4096 x n/4096)": (lambda: x.view(4096, -1).sum(1), nb, "GB/s"),
        "amax cols": (lambda: x.view(4096, -1).amax(0), nb, "GB/s"),
        "cast f32->f16": (lambda: x.half(), nb + nb // 2, "GB/s"),
    }
    for dt, name in [(lib.float32, "f32"), (lib.float16, "f16"), (lib.bfloat16, "bf16")]:
        for s in ([1024, 2048] if quick else [1024, 4096, 8192]):
            a = lib.randn(s, s, device="cuda", dtype=dt)
            b = lib.randn(s, s, device="cuda", dtype=dt)
            w["mm %s %d" % (name, s)] = (lambda a=a, b=b: a @ b, 2 * s ** 3, "GFLOP/s")
    a = lib.randn(64, 256, 256, device="cuda")
    b = lib.randn(64, 256, 256, device="cuda")
    w["bmm f32 64x256^3"] = (lambda: lib.bmm(a, b), 2 * 64 * 256 ** 3, "GFLOP/s")
    s1 = lib.ones(1, device="cuda")
    w["add 1 element (us)"] = (lambda: s1 + s1, None, "us")
    return w


def run(lib, quick):
    res = {}
    for name, (fn, work, unit) in workloads(lib, quick).items():
        inner = 200 if unit == "us" else 10
        ms = time_gpu(lib, fn, 5 if quick else 11, inner)
        if unit == "us":
            res[name] = (ms * 1e3, unit)
        elif unit == "GB/s":
            res[name] = (work / ms / 1e6, unit)
        else:
            res[name] = (work / ms / 1e6, unit)
        ctorch.cuda.empty_cache()
    return res


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--json")
    args = p.parse_args()
    if not ctorch.cuda.is_available():
        print("ctorch sees no CUDA device; nothing to measure")
        return 1
    print("device:", ctorch.cuda.get_device_name(), "| ctorch GEMM back end:", ctorch._C._cuda_gemm_backend())
    c = run(ctorch, args.quick)
    t = run(torch, args.quick) if HAVE_TORCH else {}
    copy_c = c["copy d2d (64M f32)"][0]
    print("%-28s %12s %12s %8s %10s" % ("workload", "ctorch", "torch", "ratio", "of copy"))
    for k, (v, unit) in c.items():
        tv = t.get(k, (float("nan"),))[0]
        ratio = (tv / v if unit == "us" else v / tv) if t else float("nan")
        frac = "%.0f%%" % (100 * v / copy_c) if unit == "GB/s" else ""
        print("%-28s %9.1f %-3s %9.1f %-3s %7.2fx %10s" % (k, v, unit[:3], tv, unit[:3], ratio, frac))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"ctorch": c, "torch": t}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
