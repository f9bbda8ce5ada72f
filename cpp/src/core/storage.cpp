#include "ctorch/core/storage.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "ctorch/core/check.h"

namespace ctorch {

namespace {
class CpuAllocator final : public Allocator {
 public:
  DataPtr allocate(size_t nbytes) override {
    // 64-byte alignment for AVX-512 loads; zero-size requests still get a unique pointer.
    size_t n = (nbytes + 63) & ~size_t(63);
    void* p = std::aligned_alloc(64, n == 0 ? 64 : n);
    if (!p) throw Error(str_cat("[CPU allocator] out of memory: tried to allocate ", nbytes, " bytes"));
    return DataPtr{p, nullptr, [](void* ptr, void*) { std::free(ptr); }};
  }
};
}  // namespace

Allocator* cpu_allocator() {
  static CpuAllocator a;
  return &a;
}
Allocator*& cuda_allocator_slot() {
  static Allocator* a = nullptr;
  return a;
}
Allocator* allocator_for(Device d) {
  if (d.is_cpu()) return cpu_allocator();
  Allocator* a = cuda_allocator_slot();
  if (!a) throw Error("Torch not compiled with CUDA enabled");
  return a;
}

StorageImpl::StorageImpl(size_t nbytes, Device dev)
    : data_(allocator_for(dev)->allocate(nbytes)), nbytes_(nbytes), device_(dev) {}

StorageImpl::StorageImpl(void* data, size_t nbytes, Device dev, std::function<void()> release)
    : nbytes_(nbytes), device_(dev), external_(true), release_(std::move(release)) {
  data_.ptr = data;
}

StorageImpl::~StorageImpl() {
  if (external_) {
    if (release_) release_();
  } else if (data_.deleter) {
    data_.deleter(data_.ptr, data_.ctx);
  }
}

void StorageImpl::resize(size_t nbytes) {
  CT_CHECK(!external_, "Trying to resize storage that is not resizable");
  if (nbytes <= nbytes_) return;
  DataPtr fresh = allocator_for(device_)->allocate(nbytes);
  if (nbytes_ && device_.is_cpu()) std::memcpy(fresh.ptr, data_.ptr, nbytes_);
  if (data_.deleter) data_.deleter(data_.ptr, data_.ctx);
  data_ = fresh;
  nbytes_ = nbytes;
}

}  // namespace ctorch
