// CUDA kernels of the arithmetic binary rows (add/sub/mul/div, the division variants, pow), with
// the same special cases as the CPU kernels in cpu/pointwise_binary.cpp.
#include "pointwise.cuh"

namespace ctorch {
namespace cuda {

namespace {

template <class C>
struct PlainAdd {
  bool sub;
  CT_HD C operator()(C a, C b) const { return sub ? C(a - b) : C(a + b); }
};

// a + alpha * b (alpha in it.scalars[0]); alpha == 1 takes the unfused form like the CPU.
template <template <class> class F>
void alpha_kernel(TensorIter& it, const char* op) {
  dispatch_set<func::TypeSetOf<F>::value>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    F<C> f;
    f.alpha = C(it.scalars[0].to<T>());  // float16 rounds alpha first, as PyTorch
    if constexpr (!std::is_same<T, bool>::value) {
      if (f.alpha == C(1)) {
        gpu_kernel<T, T, T>(it, PlainAdd<C>{!std::is_same<F<C>, func::Add<C>>::value});
        return;
      }
    }
    gpu_kernel<T, T, T>(it, f);
  });
}

// float16/bfloat16 with a one-element divisor or factor: the operand's original value in float
// (it.scalars[0], flagged by scalars[1]), as on the CPU.
template <template <class> class F>
struct WithScalar {
  float b;
  CT_HD float operator()(float a, float) const { return F<float>{}(a, b); }
};
template <template <class> class F>
bool reduced_scalar_kernel(TensorIter& it) {
  if (!it.scalars[1].to_bool()) return false;
  ScalarType dt = it.dtype(1);
  if (dt != kFloat16 && dt != kBFloat16) return false;
  WithScalar<F> g{float(it.scalars[0].to_double())};
  if (dt == kFloat16) gpu_kernel<Half, Half, Half>(it, g);
  else gpu_kernel<BFloat16, BFloat16, BFloat16>(it, g);
  return true;
}

// Integer division by zero: the kernel flags it and the host raises like the CPU kernel
// ("ZeroDivisionError") instead of returning garbage.
template <class F, class C>
struct CheckedIntDiv {
  F f;
  unsigned long long* slot;
  CT_HD C operator()(C a, C b) const {
    if (b == C(0)) {
      report_error(slot, 0, 0);
      return C(0);
    }
    return f(a, b);
  }
};

template <template <class> class F, template <class, class> class FR = func::DivTruncIn>
void div_like_kernel(TensorIter& it, const char* op, bool rounds = false) {
  if (reduced_scalar_kernel<F>(it)) return;
  dispatch_set<func::TypeSet::NoBool>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if constexpr (!std::is_same<T, C>::value) {
      if (rounds) {
        gpu_kernel<T, T, T>(it, FR<C, T>{});
        return;
      }
    }
    if constexpr (std::is_integral<T>::value) {
      if (it.numel() == 0) return;
      DeviceGuard g(it.device());
      cudaStream_t s = stream_of(it.device());
      ErrorSlot slot = ErrorSlot::acquire(s);
      gpu_kernel<T, T, T>(it, CheckedIntDiv<F<C>, C>{F<C>{}, slot.dev});
      if (slot.check(s, nullptr, nullptr)) throw Error("ZeroDivisionError");
    } else {
      gpu_kernel<T, T, T>(it, F<C>{});
    }
  });
}

void add_kernel(TensorIter& it) { alpha_kernel<func::Add>(it, "add_cuda"); }
void sub_kernel(TensorIter& it) { alpha_kernel<func::Sub>(it, "sub_cuda"); }
void div_trunc_kernel(TensorIter& it) { div_like_kernel<func::DivTrunc>(it, "div_trunc_cuda", true); }
void div_floor_kernel(TensorIter& it) { div_like_kernel<func::DivFloor, func::DivFloorIn>(it, "div_floor_cuda", true); }
void fmod_kernel(TensorIter& it) { div_like_kernel<func::Fmod>(it, "fmod_cuda"); }
void remainder_kernel(TensorIter& it) { div_like_kernel<func::Remainder>(it, "remainder_cuda"); }

template <class C>
struct PowScalarBin {
  func::PowScalar<C> f;
  CT_HD C operator()(C a, C) const { return f(a); }
};

// scalars[1] == true: the exponent is a Python scalar; floating dtypes take PyTorch's fast paths.
void pow_kernel(TensorIter& it) {
  dispatch_set<func::TypeSet::NoBool>(it.dtype(1), "pow", [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if constexpr (std::is_floating_point<C>::value) {
      if (it.scalars[1].to_bool()) {
        double e = it.scalars[0].to_double();
        func::PowScalar<C> f{C(T(e)), 0};
        f.mode = e == 2.0 ? 1 : e == 3.0 ? 2 : e == 0.5 ? 3 : e == -0.5 ? 4 : e == -1.0 ? 5 : e == -2.0 ? 6 : 0;
        gpu_kernel<T, T, T>(it, PowScalarBin<C>{f});
        return;
      }
    }
    gpu_kernel<T, T, T>(it, func::Pow<C>{});
  });
}

template <OpId op, template <class> class F>
void row_kernel(TensorIter& it) {
  if constexpr (op == OpId::mul || op == OpId::div) {
    if (!reduced_scalar_kernel<F>(it)) binary_kernel<F>(it, CudaName{op});
  } else if constexpr (op == OpId::add) add_kernel(it);
  else if constexpr (op == OpId::sub) sub_kernel(it);
  else if constexpr (op == OpId::div_trunc) div_trunc_kernel(it);
  else if constexpr (op == OpId::div_floor) div_floor_kernel(it);
  else if constexpr (op == OpId::fmod) fmod_kernel(it);
  else if constexpr (op == OpId::remainder) remainder_kernel(it);
  else if constexpr (op == OpId::pow) pow_kernel(it);
}

template <OpId op, template <class> class F>
void register_row() {
  if constexpr (is_arith_binary(op)) reg(op, reinterpret_cast<void*>(&row_kernel<op, F>));
}

}  // namespace

void register_binary_kernels() {
#define CT_BINARY(name, F, kind) register_row<OpId::name, func::F>();
#define CT_OP(name)
#include "ctorch/ops/op_table.def"
}

}  // namespace cuda
}  // namespace ctorch
