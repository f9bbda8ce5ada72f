// Zero-copy interop: the DLPack capsule protocol (to/from NumPy and other DLPack libraries),
// raw storage bytes for pickling/deepcopy, and the legacy Tensor(...) constructor helpers.
#include <cstring>
#include <functional>

#include "ctorch/cuda/cuda_api.h"
#include "factory.h"

namespace ctorch {
namespace py_bind {

namespace {

// DLPack ABI (dlpack.h v0.8+, unversioned DLManagedTensor), written out to avoid a dependency.
struct DLDevice {
  int32_t device_type;  // kDLCPU = 1, kDLCUDA = 2
  int32_t device_id;
};
struct DLDataType {
  uint8_t code;  // kDLInt 0, kDLUInt 1, kDLFloat 2, kDLBfloat 4, kDLBool 6
  uint8_t bits;
  uint16_t lanes;
};
struct DLTensor {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;
  uint64_t byte_offset;
};
struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensor* self);
};

// DLPack >= 1.0: versioned capsule "dltensor_versioned" (NumPy 2 asks for it; unversioned
// capsules import read-only there).
struct DLPackVersion {
  uint32_t major;
  uint32_t minor;
};
struct DLManagedTensorVersioned {
  DLPackVersion version;
  void* manager_ctx;
  void (*deleter)(DLManagedTensorVersioned* self);
  uint64_t flags;  // bit 0: read only, bit 1: is copied
  DLTensor dl_tensor;
};

struct ExportCtx {  // keeps the tensor (and its shape/stride arrays) alive for the consumer
  Tensor t;
  std::vector<int64_t> shape, strides;
  DLManagedTensor m;
  DLManagedTensorVersioned mv;
};

DLDataType to_dl(ScalarType t) {
  uint8_t bits = uint8_t(itemsize(t) * 8);
  switch (t) {
    case kBool: return {6, 8, 1};
    case kUInt8: return {1, bits, 1};
    case kInt8: case kInt16: case kInt32: case kInt64: return {0, bits, 1};
    case kBFloat16: return {4, 16, 1};
    default: return {2, bits, 1};
  }
}

ScalarType from_dl(DLDataType d) {
  CT_CHECK(d.lanes == 1, "Unsupported lanes ", int(d.lanes), " in DLPack tensor");
  switch (d.code) {
    case 0:
      if (d.bits == 8) return kInt8;
      if (d.bits == 16) return kInt16;
      if (d.bits == 32) return kInt32;
      if (d.bits == 64) return kInt64;
      break;
    case 1:
      if (d.bits == 8) return kUInt8;
      break;
    case 2:
      if (d.bits == 16) return kFloat16;
      if (d.bits == 32) return kFloat32;
      if (d.bits == 64) return kFloat64;
      break;
    case 4:
      if (d.bits == 16) return kBFloat16;
      break;
    case 6:
      if (d.bits == 8) return kBool;
      break;
    default: break;
  }
  throw TypeError(str_cat("Unsupported DLPack dtype (code ", int(d.code), ", bits ", int(d.bits), ")"));
}

py::capsule to_dlpack(const Tensor& t, bool versioned) {
  auto* ctx = new ExportCtx{t, IntList(t.sizes()), IntList(t.strides()), {}, {}};
  DLTensor& dl = versioned ? ctx->mv.dl_tensor : ctx->m.dl_tensor;
  dl.data = t.data_ptr();
  dl.device = {t.device().is_cuda() ? 2 : 1, t.device().is_cuda() ? std::max(t.device().index, 0) : 0};
  dl.ndim = int32_t(t.dim());
  dl.dtype = to_dl(t.dtype());
  dl.shape = ctx->shape.data();
  dl.strides = ctx->strides.data();
  dl.byte_offset = 0;
  // The capsule frees the tensor only if nobody consumed it (consumers rename it to "used_...").
  PyObject* cap;
  if (versioned) {
    ctx->mv.version = {1, 0};
    ctx->mv.flags = 0;
    ctx->mv.manager_ctx = ctx;
    ctx->mv.deleter = [](DLManagedTensorVersioned* self) { delete static_cast<ExportCtx*>(self->manager_ctx); };
    cap = PyCapsule_New(&ctx->mv, "dltensor_versioned", [](PyObject* c) {
      if (PyCapsule_IsValid(c, "dltensor_versioned")) {
        auto* m = static_cast<DLManagedTensorVersioned*>(PyCapsule_GetPointer(c, "dltensor_versioned"));
        if (m && m->deleter) m->deleter(m);
      }
    });
  } else {
    ctx->m.manager_ctx = ctx;
    ctx->m.deleter = [](DLManagedTensor* self) { delete static_cast<ExportCtx*>(self->manager_ctx); };
    cap = PyCapsule_New(&ctx->m, "dltensor", [](PyObject* c) {
      if (PyCapsule_IsValid(c, "dltensor")) {
        auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(c, "dltensor"));
        if (m && m->deleter) m->deleter(m);
      }
    });
  }
  if (!cap) {
    delete ctx;
    throw py::error_already_set();
  }
  return py::reinterpret_steal<py::capsule>(cap);
}

Tensor from_dlpack_capsule(py::handle cap) {
  CT_CHECK_TYPE(PyCapsule_CheckExact(cap.ptr()), "from_dlpack: expected a DLPack capsule or an object with __dlpack__");
  bool versioned = PyCapsule_IsValid(cap.ptr(), "dltensor_versioned");
  CT_CHECK(versioned || PyCapsule_IsValid(cap.ptr(), "dltensor"),
           "from_dlpack received an invalid capsule. Note that DLTensor capsules can be consumed only once, so you "
           "might have already constructed a tensor from it once.");
  const DLTensor* dlp;
  std::function<void()> release;
  if (versioned) {
    auto* m = static_cast<DLManagedTensorVersioned*>(PyCapsule_GetPointer(cap.ptr(), "dltensor_versioned"));
    CT_CHECK(m->version.major <= 1, "from_dlpack: unsupported DLPack version ", m->version.major);
    dlp = &m->dl_tensor;
    release = [m] { if (m->deleter) m->deleter(m); };
  } else {
    auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap.ptr(), "dltensor"));
    dlp = &m->dl_tensor;
    release = [m] { if (m->deleter) m->deleter(m); };
  }
  const DLTensor& dl = *dlp;
  // kDLCPU (1), kDLCUDAHost (3: pinned host memory) and kDLCUDA (2: device memory, zero-copy).
  CT_CHECK(dl.device.device_type == 1 || dl.device.device_type == 2 || dl.device.device_type == 3,
           "from_dlpack: unsupported DLPack device type ", dl.device.device_type, " (expected CPU or CUDA)");
  Device dev = dl.device.device_type == 2 ? Device(kCUDA, dl.device.device_id) : Device();
  if (dev.is_cuda()) cuda::check_device(dev.index);  // "Torch not compiled with CUDA enabled" / bad ordinal
  ScalarType dt = from_dl(dl.dtype);
  IntList size(dl.shape, dl.shape + dl.ndim);
  IntList stride = dl.strides ? IntList(dl.strides, dl.strides + dl.ndim) : contiguous_strides(size);
  char* data = static_cast<char*>(dl.data) + dl.byte_offset;
  PyCapsule_SetName(cap.ptr(), versioned ? "used_dltensor_versioned" : "used_dltensor");
  int64_t extent = 1;
  bool empty_t = false;
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] == 0) empty_t = true;
    extent += (size[i] - 1) * stride[i];
  }
  size_t nbytes = empty_t ? 0 : size_t(extent * itemsize(dt));
  auto storage = std::make_shared<StorageImpl>(data, nbytes, dev, std::move(release));
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), dt, size, stride, 0));
}

// The whole storage of t as a writable uint8 NumPy array sharing memory (pickling, storage()).
py::array storage_bytes(const Tensor& t) {
  CT_CHECK(t.device().is_cpu(), "storage bytes: expected a CPU tensor");
  auto* keep = new Storage(t.get()->storage());
  py::capsule owner(keep, [](void* p) { delete static_cast<Storage*>(p); });
  py::ssize_t n = py::ssize_t((*keep)->nbytes());
  return py::array(py::dtype("uint8"), {n}, {py::ssize_t(1)}, (*keep)->data(), owner);
}

// A tensor viewing the bytes of a uint8 NumPy array (kept alive by the storage).
Tensor tensor_from_bytes(py::array arr, ScalarType dt, IntList size, IntList stride, int64_t offset) {
  CT_CHECK(arr.ndim() == 1 && arr.itemsize() == 1, "expected a 1-D uint8 buffer");
  CT_CHECK(size.size() == stride.size(), "mismatch in length of strides and shape");
  int64_t need = offset + 1;
  bool empty_t = false;
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] == 0) empty_t = true;
    need += (size[i] - 1) * stride[i];
  }
  CT_CHECK(empty_t || need * itemsize(dt) <= int64_t(arr.size()), "storage of ", arr.size(),
           " bytes is too small for the requested view");
  PyObject* holder = arr.ptr();
  Py_INCREF(holder);
  void* data = arr.mutable_data();
  auto storage = std::make_shared<StorageImpl>(data, size_t(arr.size()), Device(), [holder] {
    if (!Py_IsInitialized() || _Py_IsFinalizing()) return;  // interpreter teardown: leak, don't touch Python
    PyGILState_STATE st = PyGILState_Ensure();
    Py_DECREF(holder);
    PyGILState_Release(st);
  });
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), dt, size, stride, offset));
}

}  // namespace

void init_interop(py::module_& m, TensorClass& cls) {
  m.def("_to_dlpack", &to_dlpack, "tensor"_a, "versioned"_a = false);
  m.def("_from_dlpack_capsule", &from_dlpack_capsule);
  m.def("_storage_bytes", &storage_bytes);
  m.def("_tensor_from_bytes", &tensor_from_bytes, "buffer"_a, "dtype"_a, "size"_a, "stride"_a, "offset"_a);
  // Fallback accessors for the Python requires_grad placeholder (the autograd bindings win).
  cls.def("_get_requires_grad", [](const Tensor& t) { return t.requires_grad(); });
  cls.def("_set_requires_grad", [](Tensor& t, bool r) { t.set_requires_grad(r); });
  // t.data = other: rebinds t's storage/geometry/dtype (torch's set_data without autograd).
  cls.def("_set_data", [](Tensor& t, const Tensor& o) {
    t.get()->set_storage(o.get()->storage());
    t.get()->set_dtype(o.dtype());
    t.get()->set_geometry(o.sizes(), o.strides(), o.storage_offset());
  });
}

}  // namespace py_bind
}  // namespace ctorch
