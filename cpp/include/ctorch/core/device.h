#pragma once
#include <cstdint>
#include <string>

#include "ctorch/core/macros.h"

namespace ctorch {

enum class DeviceType : int8_t { CPU = 0, CUDA = 1 };
constexpr int kNumDeviceTypes = 2;

struct CT_API Device {
  DeviceType type = DeviceType::CPU;
  int index = -1;  // -1: "current device" (only meaningful for CUDA)
  Device() = default;
  Device(DeviceType t, int i = -1) : type(t), index(i) {}
  explicit Device(const std::string& spec);  // "cpu", "cuda", "cuda:1"
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  std::string str() const;
};

constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;

}  // namespace ctorch
