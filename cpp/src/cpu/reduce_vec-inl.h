// Body of reduce_vec.cpp. NO include guard: included once per ISA inside a namespace and a
// `#pragma GCC target` region, with CT_VBYTES the vector width in bytes.

constexpr int64_t kSumLeaf = 1024;

template <class T>
static T sum_leaf(const T* p, int64_t n) {
  typedef T V __attribute__((vector_size(CT_VBYTES)));
  constexpr int W = CT_VBYTES / int(sizeof(T));
  V a0{}, a1{}, a2{}, a3{};
  int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    V v0, v1, v2, v3;
    std::memcpy(&v0, p + i, sizeof(V));
    std::memcpy(&v1, p + i + W, sizeof(V));
    std::memcpy(&v2, p + i + 2 * W, sizeof(V));
    std::memcpy(&v3, p + i + 3 * W, sizeof(V));
    a0 += v0;
    a1 += v1;
    a2 += v2;
    a3 += v3;
  }
  V a = (a0 + a1) + (a2 + a3);
  T lanes[W];
  std::memcpy(lanes, &a, sizeof(V));
  for (int st = 1; st < W; st *= 2)
    for (int j = 0; j + st < W; j += 2 * st) lanes[j] += lanes[j + st];
  T tail = T(0);
  for (; i < n; ++i) tail += p[i];
  return lanes[0] + tail;
}

template <class T>
static T sum_tree(const T* p, int64_t n) {
  if (n <= kSumLeaf) return sum_leaf(p, n);
  const int64_t h = (n / 2 + 63) / 64 * 64;  // halves aligned to whole vectors
  return sum_tree(p, h) + sum_tree(p + h, n - h);
}

// max (Max) or min of a run; NaN propagates (a NaN lane stays NaN). Exact, so no tree needed.
template <bool Max, class T>
static T extreme_run(const T* p, int64_t n) {
  typedef T V __attribute__((vector_size(CT_VBYTES)));
  constexpr int W = CT_VBYTES / int(sizeof(T));
  const T init = Max ? -__builtin_inf() : __builtin_inf();
  V a0 = init - V{}, a1 = a0, a2 = a0, a3 = a0;
  auto take = [](V v, V a) { return ((Max ? v > a : v < a) | (v != v)) ? v : a; };
  int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    V v0, v1, v2, v3;
    std::memcpy(&v0, p + i, sizeof(V));
    std::memcpy(&v1, p + i + W, sizeof(V));
    std::memcpy(&v2, p + i + 2 * W, sizeof(V));
    std::memcpy(&v3, p + i + 3 * W, sizeof(V));
    a0 = take(v0, a0);
    a1 = take(v1, a1);
    a2 = take(v2, a2);
    a3 = take(v3, a3);
  }
  const V a = take(take(a0, a1), take(a2, a3));
  T r = init;
  for (int j = 0; j < W; ++j) r = ((Max ? a[j] > r : a[j] < r) || a[j] != a[j]) ? a[j] : r;
  for (; i < n; ++i) r = ((Max ? p[i] > r : p[i] < r) || p[i] != p[i]) ? p[i] : r;
  return r;
}
