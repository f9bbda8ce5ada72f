#pragma once
// Functor type sets (func::TypeSet) -> dtype dispatch, shared by the CPU and CUDA pointwise kernels.
// dispatch_set<S>(dt, name, f) calls f(T{}) with T the storage type of dt when dt is in S and
// raises PyTorch's NotImplementedError ("\"abs_cpu\" not implemented for 'Bool'") otherwise.
#include <ostream>
#include <type_traits>

#include "ctorch/core/check.h"
#include "ctorch/core/dtype.h"
#include "ctorch/ops/functors.h"

namespace ctorch {

template <func::TypeSet S, class T>
constexpr bool type_in_set() {
  constexpr bool is_bool = std::is_same<T, bool>::value;
  constexpr bool is_fp = std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value ||
                         std::is_floating_point<T>::value;
  switch (S) {
    case func::TypeSet::All: return true;
    case func::TypeSet::NoBool: return !is_bool;
    case func::TypeSet::Floating: return is_fp;
    case func::TypeSet::Integral: return !is_fp;
    case func::TypeSet::Int: return !is_fp && !is_bool;
  }
  return false;
}

template <class Name>
[[noreturn]] void not_implemented(const Name& op, ScalarType dt) {
  throw NotImplementedError(str_cat("\"", op, "\" not implemented for '", dtype_legacy_name(dt), "'"));
}

// Calls f(T{}) with T the storage type of `dt` when dt is in S; NotImplementedError otherwise
// (PyTorch's "\"abs_cpu\" not implemented for 'Bool'").
template <func::TypeSet S, class Name, class F>
void dispatch_set(ScalarType dt, const Name& op, const F& f) {
#define CT_SET_CASE(DT)                                    \
  case DT: {                                               \
    using T = typename dtype_cpp<DT>::type;                \
    if constexpr (type_in_set<S, T>()) {                   \
      f(T{});                                              \
      return;                                              \
    }                                                      \
    break;                                                 \
  }
  switch (dt) {
    CT_SET_CASE(kBool)
    CT_SET_CASE(kUInt8)
    CT_SET_CASE(kInt8)
    CT_SET_CASE(kInt16)
    CT_SET_CASE(kInt32)
    CT_SET_CASE(kInt64)
    CT_SET_CASE(kFloat16)
    CT_SET_CASE(kBFloat16)
    CT_SET_CASE(kFloat32)
    CT_SET_CASE(kFloat64)
    default: break;
  }
#undef CT_SET_CASE
  not_implemented(op, dt);
}

// Result storage type: bool for predicates, the input's storage type otherwise.
template <class R, class T>
using out_t = std::conditional_t<std::is_same<R, bool>::value, bool, T>;

}  // namespace ctorch
