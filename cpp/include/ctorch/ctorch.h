#pragma once
// Umbrella header of the ctorch C++ API (libtorch-shaped).
#include "ctorch/autograd/autograd.h"
#include "ctorch/core/check.h"
#include "ctorch/core/dtype.h"
#include "ctorch/core/generator.h"
#include "ctorch/core/parallel.h"
#include "ctorch/core/tensor.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/index.h"
#include "ctorch/ops/linalg.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/reduce.h"
#include "ctorch/ops/shape.h"
