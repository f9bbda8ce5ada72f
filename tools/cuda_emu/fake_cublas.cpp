// A stand-in libcublas for the emulator: the four entry points cuda/gemm.cu loads with dlopen,
// implemented from the cuBLAS documentation on host memory (the emulator's "device" memory), so
// that our row-major -> column-major mapping (operand order, op N/T, lda/ldb/ldc, batch strides,
// alpha/beta types, compute types, math modes) is checked without a GPU.
//   cublasGemmStridedBatchedEx: C_i = alpha op(A_i) op(B_i) + beta C_i, column-major,
//   X_i = X + i * strideX; beta == 0 leaves C unread (NaNs in C are not propagated).
// Validation follows the documented CUBLAS_STATUS_INVALID_VALUE / NOT_SUPPORTED conditions.
#include <cstdint>
#include <cstring>

#include "ctorch/core/half.h"

namespace {
constexpr int kSuccess = 0, kNotInitialized = 1, kInvalidValue = 7, kNotSupported = 15;
constexpr int kR32F = 0, kR64F = 1, kR16F = 2, kR16BF = 14;
constexpr int kCompute32F = 68, kCompute64F = 70, kCompute32FFastTF32 = 77;

struct Context {
  void* stream = nullptr;
  int math = 0;
};
Context g_ctx;

double load(const void* p, int64_t i, int t) {
  switch (t) {
    case kR32F: return static_cast<const float*>(p)[i];
    case kR64F: return static_cast<const double*>(p)[i];
    case kR16F: return float(static_cast<const ctorch::Half*>(p)[i]);
    default: return float(static_cast<const ctorch::BFloat16*>(p)[i]);
  }
}
void store(void* p, int64_t i, int t, double v) {
  switch (t) {
    case kR32F: static_cast<float*>(p)[i] = float(v); break;
    case kR64F: static_cast<double*>(p)[i] = v; break;
    case kR16F: static_cast<ctorch::Half*>(p)[i] = ctorch::Half(float(v)); break;
    default: static_cast<ctorch::BFloat16*>(p)[i] = ctorch::BFloat16(float(v)); break;
  }
}
int64_t max1(int64_t v) { return v > 1 ? v : 1; }
}  // namespace

extern "C" {
// What the harness inspects (it dlopens this file too).
long long fake_cublas_calls = 0;
int fake_cublas_last_compute = -1, fake_cublas_last_math = -1, fake_cublas_last_status = -1;

int cublasCreate_v2(void** h) {
  *h = &g_ctx;
  return kSuccess;
}
int cublasSetStream_v2(void* h, void* s) {
  if (h != &g_ctx) return kNotInitialized;
  g_ctx.stream = s;
  return kSuccess;
}
int cublasSetMathMode(void* h, int mode) {
  if (h != &g_ctx) return kNotInitialized;
  g_ctx.math = mode;
  return kSuccess;
}

static int gemm(void* h, int ta, int tb, int m, int n, int k, const void* alpha, const void* A, int at, int lda,
                long long sa, const void* B, int bt, int ldb, long long sb, const void* beta, void* C, int ct, int ldc,
                long long sc, int batch, int compute, int algo) {
  if (h != &g_ctx) return kNotInitialized;
  if (m < 0 || n < 0 || k < 0 || batch < 0 || (ta != 0 && ta != 1) || (tb != 0 && tb != 1)) return kInvalidValue;
  if (lda < max1(ta == 0 ? m : k) || ldb < max1(tb == 0 ? k : n) || ldc < max1(m)) return kInvalidValue;
  if (at != bt || at != ct) return kNotSupported;  // the only combinations ctorch uses
  if (compute == kCompute64F) {
    if (at != kR64F) return kNotSupported;
  } else if (compute == kCompute32FFastTF32) {
    if (at != kR32F) return kNotSupported;
  } else if (compute == kCompute32F) {
    if (at != kR32F && at != kR16F && at != kR16BF) return kNotSupported;
  } else {
    return kNotSupported;
  }
  if (algo != -1) return kNotSupported;
  // scaleType: double for 64F compute, float otherwise
  const double a = compute == kCompute64F ? *static_cast<const double*>(alpha) : *static_cast<const float*>(alpha);
  const double b = compute == kCompute64F ? *static_cast<const double*>(beta) : *static_cast<const float*>(beta);
  for (int64_t bi = 0; bi < batch; ++bi) {
    for (int64_t j = 0; j < n; ++j) {
      for (int64_t i = 0; i < m; ++i) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p) {
          const double x = load(A, bi * sa + (ta == 0 ? i + p * int64_t(lda) : p + i * int64_t(lda)), at);
          const double y = load(B, bi * sb + (tb == 0 ? p + j * int64_t(ldb) : j + p * int64_t(ldb)), bt);
          acc += x * y;
        }
        const int64_t ci = bi * sc + i + j * int64_t(ldc);
        store(C, ci, ct, b == 0 ? a * acc : a * acc + b * load(C, ci, ct));
      }
    }
  }
  return kSuccess;
}

int cublasGemmStridedBatchedEx(void* h, int ta, int tb, int m, int n, int k, const void* alpha, const void* A, int at,
                               int lda, long long sa, const void* B, int bt, int ldb, long long sb, const void* beta,
                               void* C, int ct, int ldc, long long sc, int batch, int compute, int algo) {
  ++fake_cublas_calls;
  fake_cublas_last_compute = compute;
  fake_cublas_last_math = g_ctx.math;
  fake_cublas_last_status =
      gemm(h, ta, tb, m, n, k, alpha, A, at, lda, sa, B, bt, ldb, sb, beta, C, ct, ldc, sc, batch, compute, algo);
  return fake_cublas_last_status;
}
}
