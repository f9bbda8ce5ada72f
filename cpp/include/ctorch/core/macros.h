#pragma once
// Shared portability macros: CT_HD marks code compiled for both host and CUDA device.
#if defined(__CUDACC__)
#define CT_HD __host__ __device__ __forceinline__
#define CT_HOST_DEVICE __host__ __device__
#else
#define CT_HD inline
#define CT_HOST_DEVICE
#endif

#if defined(_WIN32)
#define CT_API __declspec(dllexport)
#else
#define CT_API __attribute__((visibility("default")))
#endif
