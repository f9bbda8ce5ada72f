"""CPU kernels of ctorch against PyTorch, side by side in one process (a benchmark, not a test).

Usage: python bench/bench_cpu.py [--quick] [--threads 1,2] [--json out.json] [--no-probe]

For every workload both libraries run the same code (only the module differs); each figure is
the median of repeated timings after warm-up, taken in alternating ctorch/torch blocks so that
load from other processes hits both alike. Thread counts are set with set_num_threads on both
libraries. The table also gives the measured single-core hardware limits:
  * FMA peak: a small C++ FMA-throughput probe compiled on the fly (g++ -O2 -march=native,
    16 independent fp32 FMA chains); without a compiler, torch's 1-thread 2048 mm is used as an
    estimate (marked "est").
  * streaming bandwidth: a 1-thread numpy copy of 64 MB into a pre-faulted buffer (read + write).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import ctorch  # noqa: E402


# ---------------------------------------------------------------- timing
def _samples(fn, budget, min_runs, inner):
    out = []
    t_end = time.perf_counter() + budget
    while len(out) < min_runs or time.perf_counter() < t_end:
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        out.append((time.perf_counter() - t0) / inner)
        if len(out) > 20000:
            break
    return out


ONLY = []
STAT = statistics.median  # --stat min: best run instead (on a machine shared with other load)


def time_pair(fc, ft, min_time=0.6, min_runs=5, warmup=2, inner=1, rounds=3):
    """Seconds per call (median by default) of fc (ctorch) and ft (torch), measured in
    alternating blocks."""
    for _ in range(warmup):
        fc()
        ft()
    sc, st = [], []
    for _ in range(rounds):
        sc += _samples(fc, min_time / (2 * rounds), max(1, min_runs // rounds), inner)
        st += _samples(ft, min_time / (2 * rounds), max(1, min_runs // rounds), inner)
    return STAT(sc), STAT(st)


# ---------------------------------------------------------------- hardware limits
_PROBE = r"""
#include <immintrin.h>
#include <chrono>
#include <cstdio>
#if defined(__AVX512F__)
typedef __m512 V; static const int W = 16;
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#else
typedef __m256 V; static const int W = 8;
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#endif
#define DECL(i) V a##i = SET1(0.001f * i);
#define STEP(i) a##i = FMA(a##i, x, y);
#define ALL(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
int main() {
  ALL(DECL)
  V x = SET1(0.9999999f), y = SET1(1e-7f);
  double best = 0;
  for (int rep = 0; rep < 7; ++rep) {
    const long iters = 10000000;
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < iters; ++i) {
      ALL(STEP)  // 16 independent chains: enough to cover FMA latency x ports
    }
    double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double g = 2.0 * W * 16 * iters / t / 1e9;
    if (g > best) best = g;
  }
  V s = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7)));
  s = ADD(s, ADD(ADD(ADD(a8, a9), ADD(a10, a11)), ADD(ADD(a12, a13), ADD(a14, a15))));
  float o[16];
  STORE(o, s);
  std::printf("%.3f %d %g\n", best, W, o[0]);
}
"""


def fma_peak(probe=True):
    """(GFLOP/s, how) of one core's fp32 FMA throughput."""
    cxx = probe and (shutil.which("g++") or shutil.which("c++") or shutil.which("clang++"))
    if cxx:
        with tempfile.TemporaryDirectory() as d:
            src, exe = os.path.join(d, "fma.cpp"), os.path.join(d, "fma")
            with open(src, "w") as f:
                f.write(_PROBE)
            r = subprocess.run([cxx, "-O2", "-march=native", src, "-o", exe], capture_output=True, text=True)
            if r.returncode == 0:
                out = subprocess.run([exe], capture_output=True, text=True, timeout=120).stdout.split()
                return float(out[0]), f"C++ probe, {out[1]}-wide fp32 FMA x16 chains"
    torch.set_num_threads(1)
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    t, _ = time_pair(lambda: torch.mm(a, b), lambda: None, min_runs=3)
    return 2 * 2048 ** 3 / t / 1e9, "est: torch 1-thread mm 2048"


def stream_bandwidth():
    """GB/s of a 1-thread 64 MB copy into a pre-faulted buffer (bytes read + written)."""
    n = 1 << 24
    src = np.random.rand(n).astype(np.float32)
    dst = np.zeros_like(src)
    t, _ = time_pair(lambda: np.copyto(dst, src), lambda: None, min_runs=10)
    return 2 * 4 * n / t / 1e9


# ---------------------------------------------------------------- workloads
# Each workload: (name, unit, build(T) -> callable, work) where work converts seconds to the unit.
def workloads(quick):
    W = []
    sizes = [256, 1024] if quick else [128, 256, 512, 1024, 2048]
    for n in sizes:
        fl = 2 * n ** 3

        def mk(T, n=n, form=""):
            T.manual_seed(0)
            a, b = T.randn(n, n), T.randn(n, n)
            if form == "tn":
                return lambda: a.t() @ b
            if form == "nt":
                return lambda: a @ b.t()
            return lambda: T.mm(a, b)
        W.append((f"mm {n}", "GFLOP/s", mk, fl, "flops"))
        W.append((f"mm {n} a.t()@b", "GFLOP/s", lambda T, n=n, mk=mk: mk(T, n, "tn"), fl, "flops"))
        W.append((f"mm {n} a@b.t()", "GFLOP/s", lambda T, n=n, mk=mk: mk(T, n, "nt"), fl, "flops"))

    def bmm(T):
        a, b = T.randn(64, 64, 64), T.randn(64, 64, 64)
        return lambda: T.bmm(a, b)
    W.append(("bmm 64x(64x64@64x64)", "GFLOP/s", bmm, 2 * 64 ** 4, "flops"))

    n = 1 << 24
    def vec(op):
        def build(T):
            x, y = T.randn(n), T.randn(n)
            return {"add": lambda: x + y, "mul": lambda: x * y, "exp": lambda: T.exp(x),
                    "relu": lambda: T.relu(x), "sum": lambda: x.sum()}[op]
        return build
    for op, nbytes in [("add", 12 * n), ("mul", 12 * n), ("exp", 8 * n), ("relu", 8 * n), ("sum", 4 * n)]:
        W.append((f"{op} 16M f32", "GB/s", vec(op), nbytes, "bytes"))

    m = 4096 * 1024
    def softmax(T):
        x = T.randn(4096, 1024)
        def f():
            e = (x - x.amax(1, keepdim=True)).exp()
            return e / e.sum(1, keepdim=True)
        return f
    W.append(("softmax 4096x1024 (composite)", "GB/s", softmax, 8 * m, "bytes"))

    def lse(T):
        x = T.randn(4096, 1024)
        return lambda: T.logsumexp(x, 1)
    W.append(("logsumexp 4096x1024 dim 1", "GB/s", lse, 4 * m, "bytes"))

    def tcopy(T):
        x = T.randn(4096, 4096)
        return lambda: x.t().contiguous()
    W.append(("x.t().contiguous() 4096^2", "GB/s", tcopy, 8 * 4096 * 4096, "bytes"))

    def tiny(T):
        a, b = T.randn(1), T.randn(1)
        return lambda: a + b
    W.append(("a + b, 1 element", "us", tiny, None, "latency"))
    return W


def run(threads, quick, peak, bw):
    rows = []
    for nt in threads:
        ctorch.set_num_threads(nt)
        torch.set_num_threads(nt)
        for name, unit, build, work, kind in workloads(quick):
            if ONLY and not any(w in name for w in ONLY):
                continue
            fc, ft = build(ctorch), build(torch)
            if kind == "latency":
                tc, tt = time_pair(fc, ft, min_time=1.0 if quick else 2.0, min_runs=200, warmup=200, inner=200,
                                   rounds=5)
                c, t = tc * 1e6, tt * 1e6
                ratio = c / t          # time ratio: < 1 means ctorch is faster
                hw = None
            else:
                slow = "2048" in name or "mm 1024" in name
                tc, tt = time_pair(fc, ft, min_time=0.8 if quick else 1.6, min_runs=3 if slow else 7)
                c, t = work / tc / 1e9, work / tt / 1e9
                ratio = c / t          # throughput ratio: > 1 means ctorch is faster
                hw = c / (peak * nt) if kind == "flops" else c / bw
            rows.append(dict(workload=name, unit=unit, threads=nt, ctorch=c, torch=t, ratio=ratio, hw=hw,
                             kind=kind))
            print(f"  [{nt}t] {name}: ctorch {c:.3g} {unit}, torch {t:.3g} {unit}", file=sys.stderr)
            del fc, ft
    return rows


def table(rows, peak, peak_how, bw):
    out = []
    out.append(f"Single-core FMA peak: {peak:.1f} GFLOP/s ({peak_how}); single-core streaming bandwidth: "
               f"{bw:.1f} GB/s (numpy 64 MB copy, read+write).")
    out.append("Ratio: throughput ctorch/torch (>1: ctorch faster); for latency rows time ctorch/torch "
               "(<1: ctorch faster). HW: GFLOP/s over threads x core peak, or GB/s over 1-core stream bandwidth.")
    out.append("")
    out.append("| workload | threads | unit | ctorch | torch | ratio | ctorch % HW | torch % HW |")
    out.append("|---|---|---|---|---|---|---|---|")
    for r in rows:
        hw_c = f"{100 * r['hw']:.0f}%" if r["hw"] is not None else "-"
        if r["kind"] == "flops":
            hw_t = f"{100 * r['torch'] / (peak * r['threads']):.0f}%"
        elif r["kind"] == "bytes":
            hw_t = f"{100 * r['torch'] / bw:.0f}%"
        else:
            hw_t = "-"
        out.append(f"| {r['workload']} | {r['threads']} | {r['unit']} | {r['ctorch']:.3g} | {r['torch']:.3g} | "
                   f"{r['ratio']:.2f} | {hw_c} | {hw_t} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer sizes, shorter timings")
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    ap.add_argument("--json", help="also write the rows and hardware figures to this file")
    ap.add_argument("--no-probe", action="store_true", help="estimate the FMA peak instead of compiling a probe")
    ap.add_argument("--stat", choices=["median", "min"], default="median",
                    help="statistic over the repeated timings (default median)")
    ap.add_argument("--only", help="comma-separated substrings: run only workloads whose name contains one")
    args = ap.parse_args()
    global STAT, ONLY
    STAT = min if args.stat == "min" else statistics.median
    ONLY = [w for w in (args.only or "").split(",") if w]
    threads = [int(t) for t in args.threads.split(",") if t]

    peak, peak_how = fma_peak(not args.no_probe)
    bw = stream_bandwidth()
    rows = run(threads, args.quick, peak, bw)
    print(f"Command: python bench/bench_cpu.py {' '.join(sys.argv[1:])}  (torch {torch.__version__}, "
          f"{os.cpu_count()} CPUs, statistic: {args.stat})")
    print(table(rows, peak, peak_how, bw))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(fma_peak_gflops=peak, fma_peak_how=peak_how, stream_gbps=bw, rows=rows,
                           torch=torch.__version__, threads=threads, quick=args.quick, stat=args.stat), f, indent=1)


if __name__ == "__main__":
    main()
