#pragma once
// Storage: a refcounted byte buffer owned through an Allocator. Views share one Storage.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "ctorch/core/device.h"
#include "ctorch/core/macros.h"

namespace ctorch {

// Memory handed out by an allocator, with the function that gives it back.
struct DataPtr {
  void* ptr = nullptr;
  void* ctx = nullptr;                  // allocator-specific (e.g. block handle)
  void (*deleter)(void* ptr, void* ctx) = nullptr;
};

class CT_API Allocator {
 public:
  virtual ~Allocator() = default;
  virtual DataPtr allocate(size_t nbytes) = 0;
  // Device allocators place the block on d (index already resolved); the CPU ignores d.
  virtual DataPtr allocate_on(size_t nbytes, Device d) { (void)d; return allocate(nbytes); }
  // Copies bytes between two blocks of this allocator (storage resize).
  virtual void copy_bytes(void* dst, const void* src, size_t n);
};

CT_API Allocator* cpu_allocator();  // 64-byte aligned
// Registered by the CUDA part when built; null otherwise.
CT_API Allocator*& cuda_allocator_slot();
CT_API Allocator* allocator_for(Device d);

class CT_API StorageImpl {
 public:
  StorageImpl(size_t nbytes, Device dev);  // allocates
  // Wraps foreign memory (numpy, dlpack); `release` runs when the storage dies.
  StorageImpl(void* data, size_t nbytes, Device dev, std::function<void()> release);
  ~StorageImpl();
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;

  void* data() const { return data_.ptr; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  bool resizable() const { return !external_; }
  void resize(size_t nbytes);  // used by out= resizing of owned storages

 private:
  DataPtr data_;
  size_t nbytes_;
  Device device_;
  bool external_ = false;
  std::function<void()> release_;
};
using Storage = std::shared_ptr<StorageImpl>;

}  // namespace ctorch
