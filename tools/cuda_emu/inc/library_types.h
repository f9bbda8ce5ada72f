#pragma once
// The cudaDataType values gemm.cu names (emulation only: cuBLAS is never loaded here).
typedef enum cudaDataType_t { CUDA_R_32F = 0, CUDA_R_64F = 1, CUDA_R_16F = 2, CUDA_R_16BF = 14 } cudaDataType;
