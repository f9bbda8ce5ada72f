// Registers a selection of the shared pointwise rows with the (emulated) CudaLaunch.
#include "pointwise.cuh"
namespace ctorch { namespace cuda {
void emu_register_pointwise() {
  using L = CudaLaunch;
#define B(name, F) register_kernel(OpId::name, kCUDA, reinterpret_cast<void*>(&rows::binary_row<L, OpId::name, func::F>));
#define U(name, F) register_kernel(OpId::name, kCUDA, reinterpret_cast<void*>(&rows::unary_row<L, OpId::name, func::F>));
  B(add, Add) B(sub, Sub) B(mul, Mul) B(div, Div) B(div_floor, DivFloor) B(div_trunc, DivTrunc) B(remainder, Remainder)
  B(fmod, Fmod) B(pow, Pow) B(eq, Eq) B(lt, Lt) B(gt, Gt) B(ne, Ne) B(le, Le) B(ge, Ge) B(maximum, Maximum) B(bitwise_and, BitwiseAnd) B(logical_xor, LogicalXor)
  U(neg, Neg) U(abs, Abs) U(sqrt, Sqrt) U(isnan, IsNan) U(logical_not, LogicalNot) U(sigmoid, Sigmoid)
  rows::register_ternary_rows<L>();
}
}}
