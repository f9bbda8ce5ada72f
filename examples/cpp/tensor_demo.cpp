// A small program embedding ctorch through its installed C++ API.
#include <ctorch/ctorch.h>

#include <cmath>
#include <iostream>

int main() {
  ctorch::manual_seed(0);
  ctorch::Tensor a = ctorch::ones({2, 3}, ctorch::kFloat64);
  ctorch::Tensor b = ctorch::full({3, 4}, 0.5, ctorch::TensorOptions().dtype(ctorch::kFloat64));
  ctorch::Tensor c = ctorch::matmul(a, b);            // [2, 4] float64, every entry 1.5
  ctorch::Tensor r = ctorch::randn({4, 4});
  double total = c.sum().item<double>();
  std::cout << "matmul sum = " << total << ", dtype = " << ctorch::dtype_name(c.dtype())
            << ", randn mean = " << r.mean().item<float>() << "\n";
  // Autograd through the C++ API: d/dx sum(x^3) = 3x^2.
  ctorch::Tensor x = ctorch::full({3}, 2.0, ctorch::TensorOptions().dtype(ctorch::kFloat64).requires_grad(true));
  (x * x * x).sum().backward();
  double g = x.grad().data_ptr<double>()[0];
  std::cout << "grad of sum(x^3) at 2 = " << g << "\n";
  if (std::fabs(g - 12.0) > 1e-12) return 1;
  {
    ctorch::NoGradGuard no_grad;
    if ((x * 2).requires_grad()) return 1;
  }
  try {
    ctorch::mm(ctorch::ones({2, 3}), ctorch::ones({4, 5}));
    return 1;
  } catch (const ctorch::Error& e) {
    std::cout << "caught: " << e.what() << "\n";
  }
  return std::fabs(total - 12.0) < 1e-12 && c.dtype() == ctorch::kFloat64 ? 0 : 1;
}
