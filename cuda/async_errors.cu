// Error slots of the validating kernels, reported at the next wait for their stream.
// See Note [Asynchronous kernel errors] in common.cuh.
#include <cuda_runtime.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

#include "common.cuh"
#include "ctorch/core/context.h"

namespace ctorch {
namespace cuda {

namespace {
constexpr int kMaxDev = 64;
constexpr int64_t kRing = 1024;  // launches in flight per stream before a forced wait
constexpr size_t kWords = 3;     // flag, value, operand

// Launches [head, tail) hold slots (index % kRing); raise[] builds their errors.
struct Ring {
  unsigned long long* dev = nullptr;  // kRing * kWords words, zero when free
  int64_t head = 0, tail = 0;
  std::vector<std::function<void(int64_t, int)>> raise = std::vector<std::function<void(int64_t, int)>>(kRing);
};
struct DeviceRings {
  std::mutex mu;
  std::map<cudaStream_t, Ring> rings;  // created on a stream's first validating launch, kept
};
DeviceRings g_dev[kMaxDev];

// CUDA_LAUNCH_BLOCKING=1: raise at the op (read once, like the driver does; tests may override).
std::atomic<int> g_blocking{-1};
bool blocking() {
  int b = g_blocking.load(std::memory_order_relaxed);
  if (b < 0) {
    const char* e = std::getenv("CUDA_LAUNCH_BLOCKING");
    b = e && e[0] == '1';
    g_blocking.store(b);
  }
  return b == 1;
}

struct Report {
  std::function<void(int64_t, int)> raise;
  int64_t value = 0;
  int operand = 0;
};

// Caller holds the device's mutex and has waited for `s` after noting `mark` (its tail then):
// reads the slots of launches [head, mark), clears them (on s, before any later launch), and
// returns the first report.
Report consume(Ring& r, cudaStream_t s, int64_t mark) {
  Report rep;
  const int64_t n = mark - r.head;
  if (n <= 0) return rep;
  std::vector<unsigned long long> h(size_t(n) * kWords);
  const int64_t first = r.head % kRing;
  const int64_t run1 = std::min(n, kRing - first);  // the ring may wrap once
  const size_t w = kWords * sizeof(unsigned long long);
  CT_CUDA_CHECK(cudaMemcpyAsync(h.data(), r.dev + first * kWords, size_t(run1) * w, cudaMemcpyDeviceToHost, s));
  if (run1 < n) CT_CUDA_CHECK(cudaMemcpyAsync(h.data() + run1 * kWords, r.dev, size_t(n - run1) * w,
                                              cudaMemcpyDeviceToHost, s));
  CT_CUDA_CHECK(cudaStreamSynchronize(s));  // the work before `mark` is done: a cheap wait
  bool any = false;
  for (int64_t i = 0; i < n; ++i) {
    const unsigned long long* v = h.data() + i * kWords;
    std::function<void(int64_t, int)>& f = r.raise[size_t((r.head + i) % kRing)];
    if (v[0] && !any) {
      any = true;
      rep = Report{std::move(f), int64_t(v[1]), int(v[2])};
    }
    f = nullptr;
  }
  if (any) {  // only reported slots are non-zero
    CT_CUDA_CHECK(cudaMemsetAsync(r.dev + first * kWords, 0, size_t(run1) * w, s));
    if (run1 < n) CT_CUDA_CHECK(cudaMemsetAsync(r.dev, 0, size_t(n - run1) * w, s));
  }
  r.head = mark;
  return rep;
}

// Raises a report found at a later wait: AcceleratorError naming the op's own error.
void raise_async(const Report& rep) {
  if (!rep.raise) return;
  try {
    rep.raise(rep.value, rep.operand);
  } catch (const std::exception& e) {
    throw AcceleratorError(str_cat(
        "CUDA error: device-side assert triggered: ", e.what(),
        "\nCUDA kernel errors are reported asynchronously, at a later synchronizing call, so the stack trace "
        "may not point at the op that failed.\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1 (the op then "
        "raises its own error)."));
  }
}

int64_t mark_of(int device, cudaStream_t s) {
  DeviceRings& d = g_dev[device];
  std::lock_guard<std::mutex> lk(d.mu);
  auto it = d.rings.find(s);
  return it == d.rings.end() ? -1 : it->second.tail;
}

Report wait_and_consume(int device, cudaStream_t s) {
  const int64_t mark = mark_of(device, s);
  CT_CUDA_CHECK(cudaStreamSynchronize(s));
  if (mark < 0) return {};
  DeviceRings& d = g_dev[device];
  std::lock_guard<std::mutex> lk(d.mu);
  return consume(d.rings[s], s, mark);
}
}  // namespace

ErrorSlot ErrorSlot::acquire(int device, cudaStream_t s, std::function<void(int64_t, int)> raise) {
  if (device < 0) CT_CUDA_CHECK(cudaGetDevice(&device));
  CT_CHECK(device < kMaxDev, "ErrorSlot: bad device ", device);
  DeviceRings& d = g_dev[device];
  for (;;) {
    {
      std::lock_guard<std::mutex> lk(d.mu);
      Ring& r = d.rings[s];
      if (!r.dev) {
        void* p = nullptr;
        CT_CUDA_CHECK(cudaMalloc(&p, size_t(kRing) * kWords * sizeof(unsigned long long)));
        // On s itself: ordered before every kernel that will use the ring (the legacy stream's
        // cudaMemset would not be, for a non-blocking s).
        CT_CUDA_CHECK(cudaMemsetAsync(p, 0, size_t(kRing) * kWords * sizeof(unsigned long long), s));
        r.dev = static_cast<unsigned long long*>(p);
      }
      if (r.tail - r.head < kRing) {
        const int64_t i = r.tail % kRing;
        r.raise[size_t(i)] = std::move(raise);
        ++r.tail;
        return ErrorSlot{r.dev + i * kWords, device, s};
      }
    }
    // kRing validating launches without a wait: wait now (reported like any implicit sync).
    check_implicit_sync();
    raise_async(wait_and_consume(device, s));
  }
}

void ErrorSlot::launched() const {
  if (!blocking()) return;
  DeviceGuard g(device);
  Report rep = wait_and_consume(device, stream);
  if (rep.raise) rep.raise(rep.value, rep.operand);  // the op's own error, as on the CPU
}

void set_sync_kernel_errors(bool on) { g_blocking.store(on ? 1 : 0); }
bool sync_kernel_errors() { return blocking(); }

void sync_stream(int device, cudaStream_t s) {
  if (device < 0) CT_CUDA_CHECK(cudaGetDevice(&device));
  DeviceGuard g(device);
  raise_async(wait_and_consume(device, s));
}

void sync_device(int device) {
  if (device < 0) CT_CUDA_CHECK(cudaGetDevice(&device));
  DeviceGuard g(device);
  DeviceRings& d = g_dev[device];
  std::vector<std::pair<cudaStream_t, int64_t>> marks;
  {
    std::lock_guard<std::mutex> lk(d.mu);
    for (auto& [s, r] : d.rings) marks.emplace_back(s, r.tail);
  }
  CT_CUDA_CHECK(cudaDeviceSynchronize());
  Report first;
  std::lock_guard<std::mutex> lk(d.mu);
  for (auto& [s, mark] : marks) {
    Report rep = consume(d.rings[s], s, mark);  // every ring is drained, the first error raised
    if (rep.raise && !first.raise) first = std::move(rep);
  }
  raise_async(first);
}

}  // namespace cuda
}  // namespace ctorch
