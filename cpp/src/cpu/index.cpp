// CPU kernels of the indexing rows: restrided gathers/scatters (See Note [Restrided indexing]),
// masked_fill, masked_select, nonzero and the contiguous cat fast path.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "ctorch/dispatch/registry.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/index_kernels.h"
#include "loops-inl.h"

namespace ctorch {
namespace cpu {

namespace {

// Byte offset of element i into the indexed tensor, from the index operands starting at `first`.
inline int64_t idxk_offset(const IndexGeom& g, char** p, const int64_t* s, int64_t i, int first) {
  int64_t off = 0;
  for (int k = 0; k < g.n; ++k) {
    const int64_t v = *reinterpret_cast<const int64_t*>(p[first + k] + i * s[first + k]);
    const int64_t size = g.sizes[k];
    const int64_t w = (v < 0 && g.wrap_negative) ? v + size : v;
    if (__builtin_expect(w < 0 || w >= size, 0)) index_out_of_bounds(g, k, v);
    off += w * g.strides[k];
  }
  return off;
}

template <size_t N>
inline void idxk_copy(char* dst, const char* src) {
  std::memcpy(dst, src, N);
}

// out[i] = src[i + offset(i)]; operands (out, src, idx...).
template <size_t N>
void idxk_gather_loop(TensorIter& it, const IndexGeom& g) {
  it.for_each([&g](char** p, const int64_t* s, int64_t n) {
    if (g.n == 1 && s[2] == 0) {
      // One index constant along the inner row (index_select / embedding rows): one lookup per row.
      const int64_t off = idxk_offset(g, p, s, 0, 2);
      const char* src = p[1] + off;
      if (s[0] == int64_t(N) && s[1] == int64_t(N)) {
        std::memcpy(p[0], src, size_t(n) * N);
        return;
      }
      for (int64_t i = 0; i < n; ++i) idxk_copy<N>(p[0] + i * s[0], src + i * s[1]);
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      const int64_t off = idxk_offset(g, p, s, i, 2);
      idxk_copy<N>(p[0] + i * s[0], p[1] + i * s[1] + off);
    }
  });
}

void index_kernel(TensorIter& it, const IndexGeom& g, int) {
  switch (itemsize(it.dtype(0))) {
    case 1: return idxk_gather_loop<1>(it, g);
    case 2: return idxk_gather_loop<2>(it, g);
    case 4: return idxk_gather_loop<4>(it, g);
    case 8: return idxk_gather_loop<8>(it, g);
    default: CT_CHECK(false, "index: unsupported element size ", itemsize(it.dtype(0)));
  }
}

template <size_t N>
void idxk_assign_loop(TensorIter& it, const IndexGeom& g) {
  it.serial_for_each(
      [&g](char** p, const int64_t* s, int64_t n) {
        for (int64_t i = 0; i < n; ++i) {
          const int64_t off = idxk_offset(g, p, s, i, 2);
          idxk_copy<N>(p[0] + i * s[0] + off, p[1] + i * s[1]);
        }
      },
      0, it.numel());
}

// The reductions of scatter_kernel (mode 1 add, 2 multiply, 3 add alpha * v); bool: or / and.
template <class T, class C>
inline T idxk_combine(T d, C v, int mode, C alpha) {
  if (mode == 1) return T(C(d) + v);
  if (mode == 2) return T(C(d) * v);
  return T(C(d) + alpha * v);
}
inline bool idxk_combine(bool d, bool v, int mode, bool alpha) {
  return mode == 2 ? (d && v) : (d || (v && (mode == 1 || alpha)));
}

// dst[i + offset(i)] (=, +=, *=) src[i]; operands (dst, src, idx...), all inputs. Serial: duplicate
// indices must accumulate without races and "last write wins" for plain assignment.
void scatter_kernel(TensorIter& it, const IndexGeom& g, int mode) {
  if (it.numel() == 0) return;
  if (mode == 0) {
    switch (itemsize(it.dtype(0))) {
      case 1: return idxk_assign_loop<1>(it, g);
      case 2: return idxk_assign_loop<2>(it, g);
      case 4: return idxk_assign_loop<4>(it, g);
      case 8: return idxk_assign_loop<8>(it, g);
      default: CT_CHECK(false, "scatter: unsupported element size ", itemsize(it.dtype(0)));
    }
  }
  CT_DISPATCH_ALL(it.dtype(0), "scatter", [&] {
    using ct = compute_t<scalar_t>;
    const ct alpha = ct(it.scalars[0].to<scalar_t>());
    it.serial_for_each(
        [&g, mode, alpha](char** p, const int64_t* s, int64_t n) {
          for (int64_t i = 0; i < n; ++i) {
            const int64_t off = idxk_offset(g, p, s, i, 2);
            scalar_t* d = reinterpret_cast<scalar_t*>(p[0] + i * s[0] + off);
            const ct v = ct(*reinterpret_cast<const scalar_t*>(p[1] + i * s[1]));
            *d = idxk_combine(*d, v, mode, alpha);
          }
        },
        0, it.numel());
  });
}

// Inputs (self, mask broadcast to self): self[i] = value where mask[i].
void masked_fill_kernel(TensorIter& it) {
  CT_DISPATCH_ALL(it.dtype(0), "masked_fill_", [&] {
    const scalar_t v = it.scalars[0].to<scalar_t>();
    it.for_each([v](char** p, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i)
        if (*reinterpret_cast<const uint8_t*>(p[1] + i * s[1])) *reinterpret_cast<scalar_t*>(p[0] + i * s[0]) = v;
    });
  });
}

// Two-pass stream compaction over fixed chunks of [0, n): count per chunk, then write each chunk
// at its prefix offset. Returns the total; `alloc(total)` runs between the passes.
template <class Count, class Alloc, class Write>
int64_t idxk_compact(int64_t n, const Count& count, const Alloc& alloc, const Write& write) {
  const int64_t grain = 32768;
  const int64_t nchunks = std::max<int64_t>(1, std::min<int64_t>((n + grain - 1) / grain, 256));
  const int64_t csize = std::max<int64_t>(1, (n + nchunks - 1) / nchunks);
  std::vector<int64_t> offs(size_t(nchunks) + 1, 0);
  parallel_for(0, nchunks, 1, [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c) offs[c + 1] = count(std::min(n, c * csize), std::min(n, (c + 1) * csize));
  });
  std::partial_sum(offs.begin(), offs.end(), offs.begin());
  alloc(offs.back());
  parallel_for(0, nchunks, 1, [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c) write(std::min(n, c * csize), std::min(n, (c + 1) * csize), offs[c]);
  });
  return offs.back();
}

int64_t idxk_count_true(const uint8_t* m, int64_t b, int64_t e) {
  int64_t c = 0;
  for (int64_t i = b; i < e; ++i) c += m[i] != 0;
  return c;
}

template <size_t N>
void idxk_select_copy(char* out, const char* self, const uint8_t* m, int64_t b, int64_t e, int64_t at) {
  char* o = out + at * int64_t(N);
  for (int64_t i = b; i < e; ++i)
    if (m[i]) {
      idxk_copy<N>(o, self + i * int64_t(N));
      o += N;
    }
}

Tensor masked_select_kernel(const Tensor& self, const Tensor& mask) {
  const uint8_t* m = mask.data_ptr<uint8_t>();
  const char* src = static_cast<const char*>(self.data_ptr());
  const int64_t isz = self.element_size();
  Tensor out;
  idxk_compact(
      self.numel(), [&](int64_t b, int64_t e) { return idxk_count_true(m, b, e); },
      [&](int64_t total) { out = empty({total}, self.options()); },
      [&](int64_t b, int64_t e, int64_t at) {
        char* o = static_cast<char*>(out.data_ptr());
        switch (isz) {
          case 1: return idxk_select_copy<1>(o, src, m, b, e, at);
          case 2: return idxk_select_copy<2>(o, src, m, b, e, at);
          case 4: return idxk_select_copy<4>(o, src, m, b, e, at);
          default: return idxk_select_copy<8>(o, src, m, b, e, at);
        }
      });
  return out;
}

// Coordinates of the non-zeros of a contiguous tensor, as PyTorch: [n, ndim] with column-major
// strides (column k is contiguous).
Tensor nonzero_kernel(const Tensor& self) {
  const int64_t nd = self.dim();
  const Shape& sizes = self.sizes();
  Tensor out;
  CT_DISPATCH_ALL(self.dtype(), "nonzero", [&] {
    using ct = compute_t<scalar_t>;
    const scalar_t* x = self.data_ptr<scalar_t>();
    auto nz = [x](int64_t i) { return ct(x[i]) != ct(0); };
    Tensor cols;
    idxk_compact(
        self.numel(),
        [&](int64_t b, int64_t e) {
          int64_t c = 0;
          for (int64_t i = b; i < e; ++i) c += nz(i);
          return c;
        },
        [&](int64_t total) { cols = empty({nd, total}, TensorOptions(kInt64).device(self.device())); },
        [&](int64_t b, int64_t e, int64_t at) {
          if (b >= e) return;
          int64_t* o = cols.data_ptr<int64_t>();
          const int64_t total = cols.sizes()[1];
          Shape coord(size_t(nd), 0);
          int64_t rem = b;
          for (int64_t d = nd - 1; d >= 0; --d) {
            coord[d] = rem % sizes[d];
            rem /= sizes[d];
          }
          for (int64_t i = b; i < e; ++i) {
            if (nz(i)) {
              for (int64_t d = 0; d < nd; ++d) o[d * total + at] = coord[d];
              ++at;
            }
            for (int64_t d = nd - 1; d >= 0; --d) {
              if (++coord[d] < sizes[d]) break;
              coord[d] = 0;
            }
          }
        });
    out = cols.transpose(0, 1);
  });
  return out;
}

void cat_kernel(Tensor& out, const std::vector<Tensor>& ins, int64_t dim) {
  const int64_t isz = out.element_size();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= out.sizes()[d];
  for (int64_t d = dim + 1; d < out.dim(); ++d) inner *= out.sizes()[d];
  std::vector<int64_t> chunk;
  std::vector<const char*> src;
  for (const auto& t : ins) {
    chunk.push_back(t.sizes()[dim] * inner * isz);
    src.push_back(static_cast<const char*>(t.data_ptr()));
  }
  const int64_t row = out.sizes()[dim] * inner * isz;
  char* o = static_cast<char*>(out.data_ptr());
  if (row == 0 || outer == 0) return;
  if (outer < 16) {  // few long rows (cat along dim 0): split each copy instead
    char* dst = o;
    for (int64_t r = 0; r < outer; ++r)
      for (size_t i = 0; i < chunk.size(); ++i) {
        const char* sp = src[i] + r * chunk[i];
        parallel_for(0, chunk[i], int64_t(1) << 18,
                     [&](int64_t b, int64_t e) { std::memcpy(dst + b, sp + b, size_t(e - b)); });
        dst += chunk[i];
      }
    return;
  }
  const int64_t grain = std::max<int64_t>(1, (int64_t(1) << 18) / row);
  parallel_for(0, outer, grain, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      char* dst = o + r * row;
      for (size_t i = 0; i < chunk.size(); ++i) {
        if (chunk[i]) std::memcpy(dst, src[i] + r * chunk[i], size_t(chunk[i]));
        dst += chunk[i];
      }
    }
  });
}

}  // namespace

void register_index_kernels() {
  auto reg = [](OpId op, auto* fn) { register_kernel(op, kCPU, reinterpret_cast<void*>(fn)); };
  reg(OpId::cat, &cat_kernel);
  reg(OpId::index_select, &index_kernel);
  reg(OpId::gather, &index_kernel);
  reg(OpId::index, &index_kernel);
  reg(OpId::scatter, &scatter_kernel);
  reg(OpId::scatter_add, &scatter_kernel);
  reg(OpId::index_put, &scatter_kernel);
  reg(OpId::masked_fill, &masked_fill_kernel);
  reg(OpId::masked_select, &masked_select_kernel);
  reg(OpId::nonzero, &nonzero_kernel);
}

}  // namespace cpu
}  // namespace ctorch
