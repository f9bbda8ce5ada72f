#pragma once
// Typed errors. Each maps to the Python exception class PyTorch raises (see bindings/module.cpp).
// Messages say which op, what was expected and what was found.
#include <sstream>
#include <stdexcept>
#include <string>

#include "ctorch/core/macros.h"

namespace ctorch {

struct CT_API Error : std::runtime_error {          // RuntimeError
  using std::runtime_error::runtime_error;
};
struct CT_API IndexError : Error { using Error::Error; };           // IndexError
struct CT_API ValueError : Error { using Error::Error; };           // ValueError
struct CT_API TypeError : Error { using Error::Error; };            // TypeError
struct CT_API NotImplementedError : Error { using Error::Error; };  // NotImplementedError
struct CT_API OutOfMemoryError : Error { using Error::Error; };     // torch.OutOfMemoryError
struct CT_API AcceleratorError : Error { using Error::Error; };     // torch.AcceleratorError (async CUDA errors)

namespace detail {
inline void cat_to(std::ostringstream&) {}
template <class T, class... R>
void cat_to(std::ostringstream& os, const T& v, const R&... rest) {
  os << v;
  cat_to(os, rest...);
}
}  // namespace detail

template <class... A>
std::string str_cat(const A&... a) {
  std::ostringstream os;
  detail::cat_to(os, a...);
  return os.str();
}

}  // namespace ctorch

#define CT_CHECK_T(cond, Exc, ...) \
  do {                                                               \
    if (__builtin_expect(!(cond), 0)) throw Exc(::ctorch::str_cat(__VA_ARGS__)); \
  } while (0)
#define CT_CHECK(cond, ...) CT_CHECK_T(cond, ::ctorch::Error, __VA_ARGS__)
#define CT_CHECK_INDEX(cond, ...) CT_CHECK_T(cond, ::ctorch::IndexError, __VA_ARGS__)
#define CT_CHECK_VALUE(cond, ...) CT_CHECK_T(cond, ::ctorch::ValueError, __VA_ARGS__)
#define CT_CHECK_TYPE(cond, ...) CT_CHECK_T(cond, ::ctorch::TypeError, __VA_ARGS__)
