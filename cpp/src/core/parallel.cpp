#include <omp.h>

#include <algorithm>
#include <exception>
#include <functional>

#include "ctorch/core/parallel.h"
#include "ctorch/iter/tensor_iter.h"

namespace ctorch {

namespace {
int g_threads = 0;  // 0: not set -> OpenMP default
}

int get_num_threads() { return g_threads > 0 ? g_threads : omp_get_max_threads(); }
void set_num_threads(int n) {
  CT_CHECK_VALUE(n > 0, "set_num_threads expects a positive integer");
  g_threads = n;
  omp_set_num_threads(n);
}
bool in_parallel_region() { return omp_in_parallel(); }

void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& f) {
  if (end <= begin) return;
  int64_t n = end - begin;
  int nthreads = get_num_threads();
  if (grain < 1) grain = 1;
  int64_t max_chunks = (n + grain - 1) / grain;
  int nt = int(std::min<int64_t>(nthreads, max_chunks));
  if (nt <= 1 || omp_in_parallel()) {
    f(begin, end);
    return;
  }
  // Exceptions cannot cross an OpenMP region: capture the first and rethrow outside.
  std::exception_ptr err;
#pragma omp parallel num_threads(nt)
  {
    int tid = omp_get_thread_num();
    int64_t chunk = (n + nt - 1) / nt;
    int64_t b = begin + tid * chunk, e = std::min(end, b + chunk);
    if (b < e) {
      try {
        f(b, e);
      } catch (...) {
#pragma omp critical
        if (!err) err = std::current_exception();
      }
    }
  }
  if (err) std::rethrow_exception(err);
}

}  // namespace ctorch
