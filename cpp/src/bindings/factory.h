#pragma once
// Argument parsing shared by the factory bindings (creation.cpp, random.cpp): sizes given as
// varargs or one sequence, and the dtype=/device=/out=/requires_grad=/generator= keywords.
#include "common.h"

namespace ctorch {
class Generator;
namespace py_bind {

enum FactoryKw : unsigned {
  kKwDtype = 1, kKwDevice = 2, kKwRequiresGrad = 4, kKwOut = 8, kKwGenerator = 16,
  kKwLayout = 32, kKwPinMemory = 64, kKwMemoryFormat = 128,
  kKwFactory = kKwDtype | kKwDevice | kKwRequiresGrad | kKwOut | kKwLayout | kKwPinMemory,
  kKwLike = kKwDtype | kKwDevice | kKwRequiresGrad | kKwLayout | kKwPinMemory | kKwMemoryFormat,
};

struct FactoryOpts {
  std::optional<ScalarType> dtype;
  Device device;
  bool device_given = false;
  bool requires_grad = false;
  bool preserve_format = true;  // *_like: memory_format=torch.preserve_format (default)
  std::optional<Tensor> out;
  Generator* gen = nullptr;
  py::object gen_keep;  // keeps a Python Generator alive while its pointer is used
  TensorOptions options() const;
};

// Parses and removes the keywords named in `allowed` from kw; any keyword left raises
// TypeError "<fn>() got an unexpected keyword argument 'x'".
FactoryOpts parse_factory_kwargs(const char* fn, py::kwargs& kw, unsigned allowed);
// f(2, 3), f((2, 3)), f([2, 3]), f(Size), f(size=(2, 3)); args[start:] are the size.
IntList parse_size_args(const char* fn, const py::args& args, size_t start, py::kwargs& kw);
// One int-tuple argument (full(size, v), randint(..., size)).
IntList parse_int_list(const char* fn, const char* name, int pos, py::handle h);
int64_t parse_int(const char* fn, const char* name, int pos, py::handle h);
double parse_double(const char* fn, const char* name, int pos, py::handle h);
Scalar parse_scalar(const char* fn, const char* name, int pos, py::handle h);
// Raises AssertionError "Torch not compiled with CUDA enabled" for cuda devices on CPU builds.
Device parse_device(py::handle h);
ScalarType parse_dtype(const char* fn, py::handle h);
// Generator object -> pointer (nullptr: default generator).
Generator* generator_from_py(py::handle h);
// requires_grad check + out= handling: returns what the factory should return.
py::object finish_factory(const char* fn, Tensor t, const FactoryOpts& o);
// DLPack capsules, storage bytes and t._set_data (interop.cpp); called by init_creation.
void init_interop(py::module_& m, TensorClass& cls);
// Shape/strides for *_like with memory_format=preserve_format (torch keeps dense permutations).
Tensor empty_like_preserve(const Tensor& t, const TensorOptions& o, bool preserve);

}  // namespace py_bind
}  // namespace ctorch
