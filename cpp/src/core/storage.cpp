#include "ctorch/core/storage.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "ctorch/core/check.h"
#include "ctorch/core/cpu_cache.h"
#include "ctorch/cuda/cuda_api.h"
#include "ctorch/dispatch/registry.h"

namespace ctorch {

namespace {
// Small blocks: malloc (thread caches, no page faults for reused chunks) aligned by hand to 64
// bytes for AVX-512, with the requested size stored just below the returned pointer.
// aligned_alloc is avoided: glibc's memalign bypasses the thread cache and splits chunks.
// Large blocks: the caching allocator (see Note [CPU block cache]).
void free_small(void* ptr, void* raw) {
  cpu_cache::note_small_free(reinterpret_cast<size_t*>(ptr)[-1]);
  std::free(raw);
}
void free_large(void* ptr, void* ctx) {
  size_t requested = reinterpret_cast<uintptr_t>(ctx);
  cpu_cache::free_large(ptr, cpu_cache::bucket_size(requested), requested);
}

class CpuAllocator final : public Allocator {
 public:
  DataPtr allocate(size_t nbytes) override {
    if (nbytes >= cpu_cache::large_block_threshold()) {
      size_t block;
      void* p = cpu_cache::allocate_large(nbytes, &block);
      return DataPtr{p, reinterpret_cast<void*>(uintptr_t(nbytes)), &free_large};
    }
    // Zero-size requests still get a unique pointer. The offset to 64 is 16..64 bytes, which
    // leaves room for the size header.
    void* raw = std::malloc(nbytes + 64);
    if (!raw) throw Error(str_cat("[CPU allocator] out of memory: tried to allocate ", nbytes, " bytes"));
    uintptr_t a = (reinterpret_cast<uintptr_t>(raw) + 16 + 63) & ~uintptr_t(63);
    void* p = reinterpret_cast<void*>(a);
    reinterpret_cast<size_t*>(p)[-1] = nbytes;
    cpu_cache::note_small_alloc(nbytes);
    return DataPtr{p, raw, &free_small};
  }
};
}  // namespace

void Allocator::copy_bytes(void* dst, const void* src, size_t n) { std::memcpy(dst, src, n); }

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
  if (!a) {
    init();  // the CUDA part registers its allocator there (C++ callers may not have looked up a kernel yet)
    a = cuda_allocator_slot();
  }
  if (!a) throw Error("Torch not compiled with CUDA enabled");
  return a;
}

StorageImpl::StorageImpl(size_t nbytes, Device dev)
    : nbytes_(nbytes), device_(dev.is_cuda() ? cuda::resolve(dev) : dev) {
  data_ = allocator_for(device_)->allocate_on(nbytes, device_);
}

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
  Allocator* a = allocator_for(device_);
  DataPtr fresh = a->allocate_on(nbytes, device_);
  if (nbytes_) a->copy_bytes(fresh.ptr, data_.ptr, nbytes_);
  if (data_.deleter) data_.deleter(data_.ptr, data_.ctx);
  data_ = fresh;
  nbytes_ = nbytes;
}

}  // namespace ctorch
