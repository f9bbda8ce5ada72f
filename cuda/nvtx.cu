// torch.cuda.nvtx: NVTX ranges and marks, shown by Nsight Systems. NVTX 3 is header-only (it ships
// with the toolkit): without a profiler attached every call is a cheap no-op, so nothing is linked.
#include <nvtx3/nvToolsExt.h>

#include "ctorch/cuda/cuda_api.h"

namespace ctorch {
namespace cuda {

int nvtx_range_push(const std::string& msg) { return nvtxRangePushA(msg.c_str()); }
int nvtx_range_pop() { return nvtxRangePop(); }
uint64_t nvtx_range_start(const std::string& msg) { return nvtxRangeStartA(msg.c_str()); }
void nvtx_range_end(uint64_t id) { nvtxRangeEnd(id); }
void nvtx_mark(const std::string& msg) { nvtxMarkA(msg.c_str()); }

}  // namespace cuda
}  // namespace ctorch
