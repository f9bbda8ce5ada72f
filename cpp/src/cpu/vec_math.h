#pragma once
// Vectorised float32 transcendental functions over arrays (vec_math.cpp), picked for the CPU
// at run time. The pointwise kernels use them for float32 exp/log/sin/cos/tanh/sigmoid/log1p
// (and sqrt/rsqrt, exact like libm but without its errno path), on every
// layout (strided rows go through a contiguous buffer), so results never depend on strides.
#include <cstdint>

namespace ctorch {
namespace cpu {
namespace vmath {

enum class Fn : int { exp, log, sin, cos, tanh, sigmoid, log1p, sqrt, rsqrt, count };
using ArrayFn = void (*)(const float* x, float* y, int64_t n);  // y may equal x

// The implementation for this CPU (AVX-512, AVX2+FMA or SSE2 without FMA).
ArrayFn get(Fn f);

}  // namespace vmath
}  // namespace cpu
}  // namespace ctorch
