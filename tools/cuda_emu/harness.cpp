// Runs the CUDA pointwise/copy/index/reduce/scan/GEMM/random kernels (CPU-emulated, see inc/cuda_runtime.h) through the
// ordinary C++ front ends on "cuda" tensors that live in host memory, against the CPU results.
#include <chrono>
#include <dlfcn.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <typeinfo>
#include <vector>

#include <cuda_runtime.h>
#include "ctorch/core/context.h"
#include "ctorch/ctorch.h"
#include "ctorch/cuda/cuda_api.h"
#include "ctorch/dispatch/registry.h"
#include "philox.cuh"

namespace ctorch {
namespace cuda {
extern bool emu_force64;
void register_copy_kernels();
void register_index_kernels();
void register_pointwise_kernels();
void register_reduce_kernels();
void register_linalg_kernels();
void register_random_kernels();
Allocator* device_allocator();
struct HostAlloc : Allocator {
  DataPtr allocate(size_t n) override {
    DataPtr p;
    p.ptr = std::aligned_alloc(256, ((n + 8 + 255) / 256) * 256);
    std::memset(p.ptr, 0xA5, ((n + 8 + 255) / 256) * 256);  // garbage: unwritten outputs show up
    p.deleter = [](void* q, void*) { std::free(q); };
    return p;
  }
};
bool g_registered = false;
bool register_kernels() {  // interposes the CPU-only build's stub (called from init())
  static HostAlloc ha;
  cuda_allocator_slot() = &ha;
  register_copy_kernels();
  register_index_kernels();
  register_pointwise_kernels();
  register_reduce_kernels();
  register_linalg_kernels();
  register_random_kernels();
  g_registered = true;
  return true;
}
}  // namespace cuda
}  // namespace ctorch

using namespace ctorch;
using Fn = std::function<Tensor(const Tensor&)>;
static const Device kCu(kCUDA, 0);
int g_checks = 0, g_fail = 0;
std::map<std::string, int> g_exc;
std::string g_ctx;

Tensor cu(const Tensor& t) { return to_device(t, kCu); }
Tensor host(const Tensor& t) { return to_device(t, Device()); }

std::string shape_str(const Tensor& t) {
  std::string s = "[";
  for (int64_t d = 0; d < t.dim(); ++d) s += (d ? "," : "") + std::to_string(t.size(d));
  return s + "]";
}

void fail(const std::string& what) {
  ++g_fail;
  static std::map<std::string, int> seen;
  std::string key = g_ctx.substr(0, g_ctx.find(' ', g_ctx.find(' ') + 1));
  if (seen[key]++ < 4) printf("FAIL %s: %s\n", g_ctx.c_str(), what.c_str());
}

// Compares a CPU result with a CUDA one (moved to the host): dtype, shape, values.
void compare(const Tensor& c, const Tensor& g_dev, double rtol = 0, double atol = 0) {
  ++g_checks;
  if (!g_dev.device().is_cuda()) return fail("result not on cuda");
  Tensor g = host(g_dev);
  if (c.dtype() != g.dtype()) return fail(std::string("dtype ") + dtype_legacy_name(c.dtype()) + " vs " + dtype_legacy_name(g.dtype()));
  if (c.sizes() != g.sizes()) return fail("shape " + shape_str(c) + " vs " + shape_str(g));
  if (c.numel() == 0) return;
  if (is_floating(c.dtype())) {
    Tensor a = to_dtype(c, kDouble).contiguous(), b = to_dtype(g, kDouble).contiguous();
    const double *pa = static_cast<const double*>(a.data_ptr()), *pb = static_cast<const double*>(b.data_ptr());
    for (int64_t i = 0; i < a.numel(); ++i) {
      bool ok = (std::isnan(pa[i]) && std::isnan(pb[i])) || pa[i] == pb[i] ||
                (std::isfinite(pa[i]) && std::fabs(pa[i] - pb[i]) <= atol + rtol * std::fabs(pa[i]));
      if (!ok) return fail("at " + std::to_string(i) + ": cpu " + std::to_string(pa[i]) + " cuda " + std::to_string(pb[i]));
    }
  } else {
    Tensor a = to_dtype(c, kLong).contiguous(), b = to_dtype(g, kLong).contiguous();
    const int64_t *pa = static_cast<const int64_t*>(a.data_ptr()), *pb = static_cast<const int64_t*>(b.data_ptr());
    for (int64_t i = 0; i < a.numel(); ++i)
      if (pa[i] != pb[i]) return fail("at " + std::to_string(i) + ": cpu " + std::to_string(pa[i]) + " cuda " + std::to_string(pb[i]));
  }
}

// Runs f on CPU and CUDA inputs; both must succeed and agree, or both throw the same class
// (and the same message unless loose_msg).
void both(const std::function<Tensor(bool cuda)>& f, double rtol = 0, double atol = 0, bool loose_msg = false) {
  Tensor c, g;
  std::string ce, ge, cm, gm;
  static uint64_t seed = 1000;
  ++seed;
  manual_seed(seed);  // inputs drawn inside f are the same on both runs
  try { c = f(false); } catch (const std::exception& e) { ce = typeid(e).name(); cm = e.what(); }
  manual_seed(seed);
  try { g = f(true); } catch (const std::exception& e) { ge = typeid(e).name(); gm = e.what(); }
  if (!ce.empty() || !ge.empty()) {
    ++g_checks;
    auto norm = [](std::string m) { size_t k; while ((k = m.find("_cuda")) != std::string::npos) m.replace(k, 5, "_cpu"); return m; };
    gm = norm(gm);
    if (ce == ge) g_exc[g_ctx.substr(0, g_ctx.find(' ', g_ctx.find(' ') + 1)) + " -> " + cm.substr(0, 60)]++;
    if (ce != ge) return fail("exception cpu " + ce + " '" + cm + "' vs cuda " + ge + " '" + gm + "'");
    if (!loose_msg && cm != gm) return fail("message cpu '" + cm + "' vs cuda '" + gm + "'");
    return;
  }
  compare(c, g, rtol, atol);
}

// ---- inputs ----
Tensor rnd(const IntList& shape, ScalarType dt, int kind = 0) {
  Tensor t;
  if (dt == kBool) t = to_dtype(randint(0, 2, shape), kBool);
  else if (!is_floating(dt)) {
    int64_t lo = dt == kUInt8 ? 0 : -9, hi = 10;
    if (kind == 1) lo = 1;  // no zeros
    t = to_dtype(randint(lo, hi, shape), dt);
  } else {
    t = to_dtype(sub(mul(rand(shape, kDouble), full({}, 8.0)), full({}, 4.0)), dt);
    if (kind == 2 && t.numel() > 3) {  // specials
      Tensor f = t.view({-1});
      f.select(0, 0).fill_(NAN);
      f.select(0, 1).fill_(INFINITY);
      f.select(0, 2).fill_(-0.0);
    }
  }
  return t;
}

// A layout: a base tensor shape and the view taken of it (the same on both devices).
struct Layout {
  std::string name;
  std::vector<int64_t> base;
  Fn view;
};

std::vector<Layout> layouts2(int64_t R, int64_t C) {  // views of shape [R, C]
  return {
      {"contig", {R, C}, [](const Tensor& t) { return t; }},
      {"transposed", {C, R}, [](const Tensor& t) { return t.transpose(0, 1); }},
      {"bcast_row", {1, C}, [R, C](const Tensor& t) { return t.expand({R, C}); }},
      {"bcast_col", {R, 1}, [R, C](const Tensor& t) { return t.expand({R, C}); }},
      {"sliced", {2 * R + 5, C + 7}, [R, C](const Tensor& t) { return t.slice(0, 3, 3 + 2 * R, 2).narrow(1, 5, C); }},
      {"neg_free_scalar_bcast", {}, [R, C](const Tensor& t) { return t.expand({R, C}); }},
  };
}
std::vector<Layout> layouts5() {  // views of shape [3, 4, 5, 6, 7]
  return {
      {"contig5", {3, 4, 5, 6, 7}, [](const Tensor& t) { return t; }},
      {"permuted5", {7, 5, 3, 6, 4}, [](const Tensor& t) { return t.permute({2, 4, 1, 3, 0}); }},
      {"sliced5", {3, 9, 5, 6, 15}, [](const Tensor& t) { return t.slice(1, 1, 9, 2).slice(4, 0, 14, 2); }},
      {"bcast5", {3, 1, 5, 1, 7}, [](const Tensor& t) { return t.expand({3, 4, 5, 6, 7}); }},
  };
}
std::vector<Layout> layouts_small() {
  return {
      {"zero_dim", {}, [](const Tensor& t) { return t; }},
      {"empty", {0, 5}, [](const Tensor& t) { return t; }},
      {"one", {1}, [](const Tensor& t) { return t; }},
  };
}

struct In {
  Tensor cpu, dev;
};
In make_in(const Layout& l, ScalarType dt, int kind = 0) {
  Tensor b = rnd(l.base, dt, kind);
  Tensor bd = cu(b);
  return {l.view(b), l.view(bd)};
}

const std::vector<ScalarType> kAll = {kBool, kUInt8, kInt8, kInt16, kInt32, kInt64, kFloat16, kBFloat16, kFloat32, kFloat64};

// ---- 1. pointwise through gpu_kernel ----
void test_pointwise() {
  std::vector<std::vector<Layout>> fams = {layouts2(160, 130), layouts2(7, 3), layouts5()};
  const std::vector<ScalarType> dts = {kInt32, kInt64, kFloat32, kFloat16, kFloat64, kUInt8};
  for (auto& fam : fams)
    for (size_t i = 0; i < fam.size(); ++i)
      for (size_t j = 0; j < fam.size(); ++j) {
        if ((i + j) % 2 && fam.size() > 4 && i != 0 && j != 0) continue;
        for (ScalarType da : dts) {
          ScalarType db = dts[(size_t(&da - &dts[0]) + i + j) % dts.size()];
          In a = make_in(fam[i], da, 2), b = make_in(fam[j], db, 0), bnz = make_in(fam[j], db, 1);
          const std::string cx = " " + fam[i].name + "/" + fam[j].name + " " + dtype_legacy_name(da) + "," + dtype_legacy_name(db);
          g_ctx = "add alpha" + cx;
          both([&](bool d) { return add(d ? a.dev : a.cpu, d ? b.dev : b.cpu, Scalar(2)); });
          g_ctx = "sub" + cx;
          both([&](bool d) { return sub(d ? a.dev : a.cpu, d ? b.dev : b.cpu, Scalar(3)); });
          g_ctx = "mul" + cx;
          both([&](bool d) { return mul(d ? a.dev : a.cpu, d ? b.dev : b.cpu); });
          g_ctx = "div" + cx;
          both([&](bool d) { return div(d ? a.dev : a.cpu, d ? b.dev : b.cpu); });
          g_ctx = "div_floor" + cx;
          both([&](bool d) { return div(d ? a.dev : a.cpu, d ? b.dev : b.cpu, "floor"); });
          both([&](bool d) { return div(d ? a.dev : a.cpu, d ? bnz.dev : bnz.cpu, "floor"); });
          g_ctx = "div_trunc" + cx;
          both([&](bool d) { return div(d ? a.dev : a.cpu, d ? b.dev : b.cpu, "trunc"); });
          g_ctx = "remainder" + cx;
          both([&](bool d) { return remainder(d ? a.dev : a.cpu, d ? bnz.dev : bnz.cpu); });
          g_ctx = "eq/lt" + cx;
          both([&](bool d) { return eq(d ? a.dev : a.cpu, d ? b.dev : b.cpu); });
          both([&](bool d) { return lt(d ? a.dev : a.cpu, d ? b.dev : b.cpu); });
          g_ctx = "maximum" + cx;
          both([&](bool d) { return maximum(d ? a.dev : a.cpu, d ? b.dev : b.cpu); });
          g_ctx = "pow scalar" + cx;
          for (double e : {2.0, 0.5, 3.0, -1.0}) both([&](bool d) { return (d ? a.dev : a.cpu).pow(Scalar(e)); });
          both([&](bool d) { return (d ? a.dev : a.cpu).pow(Scalar(int64_t(2))); });
          g_ctx = "pow tensor" + cx;
          both([&](bool d) { return pow(d ? a.dev : a.cpu, d ? bnz.dev : bnz.cpu); });
          g_ctx = "clamp" + cx;
          both([&](bool d) { return clamp(d ? a.dev : a.cpu, Scalar(-2), Scalar(3)); });
          both([&](bool d) { return clamp(d ? a.dev : a.cpu, std::optional<Tensor>(d ? b.dev : b.cpu), std::optional<Tensor>()); });
          g_ctx = "where" + cx;
          both([&](bool d) { return where(gt(d ? b.dev : b.cpu, full({}, 0.0)), d ? a.dev : a.cpu, d ? b.dev : b.cpu); });
          g_ctx = "unary" + cx;
          both([&](bool d) { return neg(d ? b.dev : b.cpu); });
          both([&](bool d) { return abs(d ? a.dev : a.cpu); });
          both([&](bool d) { return sqrt(d ? a.dev : a.cpu); });
          both([&](bool d) { return isnan(d ? a.dev : a.cpu); });
          both([&](bool d) { return logical_not(d ? a.dev : a.cpu); });
          g_ctx = "inplace add_" + cx;
          both([&](bool d) {
            Tensor o = d ? cu(a.cpu.contiguous()) : a.cpu.contiguous().clone();
            if (fam[i].name == "contig" || fam[i].name == "contig5") o = d ? a.dev.clone() : a.cpu.clone();
            return add_(o, d ? b.dev : b.cpu, Scalar(1));
          });
          g_ctx = "out= strided" + cx;
          both([&](bool d) {  // out is a transposed / sliced view: the output operand strided
            Tensor base = d ? cu(zeros({a.cpu.numel() ? a.cpu.numel() * 2 : 1}, TensorOptions(kFloat64))) : zeros({a.cpu.numel() ? a.cpu.numel() * 2 : 1}, TensorOptions(kFloat64));
            Tensor o = base.slice(0, 0, a.cpu.numel() * 2, 2).view(a.cpu.sizes());
            mul_out(o, d ? a.dev : a.cpu, d ? b.dev : b.cpu);
            return base;
          });
        }
      }
  // zero-dim / empty / 1-element
  for (auto& l : layouts_small())
    for (ScalarType dt : {kInt64, kFloat32, kBool, kInt8}) {
      In a = make_in(l, dt), b = make_in(l, dt, 1);
      g_ctx = "small " + l.name + " " + dtype_legacy_name(dt);
      both([&](bool d) { return add(d ? a.dev : a.cpu, d ? b.dev : b.cpu, Scalar(2)); });
      both([&](bool d) { return div(d ? a.dev : a.cpu, d ? b.dev : b.cpu, "floor"); });
      both([&](bool d) { return where(d ? to_dtype(a.dev, kBool) : to_dtype(a.cpu, kBool), d ? a.dev : a.cpu, d ? b.dev : b.cpu); });
      both([&](bool d) { return clamp(d ? a.dev : a.cpu, Scalar(0), Scalar(1)); });
    }
  // zero-dim CUDA with non-zero-dim, cpu scalar wrapped number mixing; int division by zero
  for (ScalarType dt : {kInt32, kInt64, kInt16, kUInt8, kInt8}) {
    g_ctx = std::string("div_floor by zero ") + dtype_legacy_name(dt);
    Tensor a = rnd({50, 40}, dt), b = rnd({50, 40}, dt);
    b.view({-1}).select(0, 1777).fill_(0);
    both([&](bool d) { return div(d ? cu(a) : a, d ? cu(b) : b, "floor"); });
    both([&](bool d) { return div(d ? cu(a) : a, d ? cu(b) : b, "trunc"); });
    both([&](bool d) { return remainder(d ? cu(a) : a, d ? cu(b) : b); });
    both([&](bool d) { return fmod(d ? cu(a) : a, d ? cu(b) : b); });
    both([&](bool d) { return div(d ? cu(a) : a, full({}, 0, TensorOptions(dt)), "floor"); });
  }
  // mixed dtypes
  g_ctx = "mixed int->float out";
  {
    Tensor a = rnd({33, 17}, kInt32), b = rnd({17}, kFloat16), c = rnd({33, 1}, kBool);
    both([&](bool d) { return add(d ? cu(a) : a, d ? cu(b) : b, Scalar(0.5)); });
    both([&](bool d) { return div(d ? cu(a) : a, d ? cu(a) : a); });
    both([&](bool d) { return mul(d ? cu(c) : c, d ? cu(a) : a); });
    both([&](bool d) { return add(d ? cu(a) : a, d ? cu(c) : c); });
    both([&](bool d) { return logical_xor(d ? cu(c) : c, d ? cu(b) : b); });
    both([&](bool d) { return where(d ? cu(c) : c, d ? cu(a) : a, d ? cu(b) : b); });
    both([&](bool d) { return bitwise_and(d ? cu(a) : a, d ? cu(c) : c); });
    both([&](bool d) { return lerp(d ? cu(to_dtype(b, kFloat32)) : to_dtype(b, kFloat32), d ? cu(rnd({33, 17}, kFloat32)) : rnd({33,17}, kFloat32), d ? cu(full({}, 0.3f)) : full({}, 0.3f)); }, 1e-6, 1e-6);
  }
}

#include "tests2.inc"
#include "tests3.inc"
#include "tests4.inc"

// EMU_TESTS=reduce,gemm (a comma list of pointwise, copy, index, reduce, gemm, cublas, random,
// deterministic, allocator, async) runs a subset.
// A test function that throws counts as one failure instead of ending the run.
void guarded(const char* name, void (*fn)()) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    fn();
  } catch (const std::exception& e) {
    fail(std::string(name) + " threw: " + e.what());
  }
  printf("  (%s: %.1f s)\n", name, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

bool want(const char* name) {
  const char* e = getenv("EMU_TESTS");
  if (!e || !*e) return true;
  const std::string s = std::string(",") + e + ",";
  return s.find(std::string(",") + name + ",") != std::string::npos;
}

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  setenv("CTORCH_CUBLAS", "0", 1);  // the own GEMM kernels, never a real cuBLAS
  cuda::set_sync_kernel_errors(true);  // errors at the op, compared with the CPU (test_async_errors: off)
  manual_seed(7);
  init();
  if (!cuda::g_registered) cuda::register_kernels();
  printf("device_count=%d registered=%d\n", cuda::device_count(), int(cuda::g_registered));
  for (int pass = 0; pass < 2; ++pass) {
    cuda::emu_force64 = pass == 1;  // reduce/scan/GEMM/random index with 64 bits always: pass 0 only
    printf("== pass %d (force 64-bit offsets: %d)\n", pass, int(cuda::emu_force64));
    if (want("pointwise")) guarded("pointwise", test_pointwise);
    if (want("pointwise")) guarded("flat", test_flat);
    printf("pointwise: checks %d fails %d\n", g_checks, g_fail);
    if (want("copy")) guarded("copy", test_copy);
    printf("copy: checks %d fails %d\n", g_checks, g_fail);
    if (want("index")) guarded("index", test_index);
    printf("index: checks %d fails %d\n", g_checks, g_fail);
    if (pass == 0 && want("reduce")) guarded("reduce", test_reduce);
    printf("reduce/scan: checks %d fails %d\n", g_checks, g_fail);
    if (pass == 0 && want("gemm")) guarded("gemm", test_gemm);
    if (pass == 0 && want("cublas")) guarded("cublas", test_cublas);
    printf("gemm/cublas: checks %d fails %d\n", g_checks, g_fail);
    if (pass == 0 && want("random")) guarded("random", test_random);
    if (want("deterministic")) guarded("deterministic", test_deterministic);
    if (pass == 0 && want("allocator")) guarded("allocator", test_allocator);
    if (pass == 0 && want("allocator")) guarded("host cache", test_host_cache);
    if (pass == 0 && want("async")) guarded("async", test_async_errors);
    printf("random: checks %d fails %d\n", g_checks, g_fail);
  }
  for (auto& [k, v] : g_exc) printf("  raised on both: %5d  %s\n", v, k.c_str());
  printf("launches %ld (threaded %ld), memcpys %ld, memsets %ld, syncs %ld\n", emu::launches, emu::threaded_launches, emu::memcpys, emu::memsets, emu::syncs);
  printf("TOTAL checks %d fails %d\n", g_checks, g_fail);
  return g_fail ? 1 : 0;
}
