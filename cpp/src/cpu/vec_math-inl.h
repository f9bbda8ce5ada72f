// Vectorised float32 exp/log/sin/cos/tanh/sigmoid over arrays. NO include guard: vec_math.cpp
// includes this body once per ISA, inside a namespace and a `#pragma GCC target` region, with
//   CT_VW            lanes per vector (16 / 8 / 4)
//   CT_VFMA(a,b,c)   a*b + c with one rounding where the ISA has FMA
//   CT_VSTREAM(p,v)  non-temporal store of a vector to a 16/32/64-byte aligned p
//   CT_VANY(m)       whether any lane of an int mask vector is set
//   CT_VSQRT(v)      IEEE square root of each lane
//   CT_VLO, CT_VHI, CT_VALL  lane index lists (low half, high half, all) for shuffles
// Written with GCC vector extensions so one source serves every width. Accuracy (measured
// against float64 over all float32 inputs of the tested ranges): about 1-2 ulp; special values
// (NaN, +-inf, +-0, denormals, overflow) follow the C library.

#ifndef CT_PF_DIST
#define CT_PF_DIST 2048
#endif
#ifndef CT_VINL
#define CT_VINL static inline __attribute__((always_inline))
#endif

typedef float vf __attribute__((vector_size(CT_VW * 4)));
typedef int32_t vi __attribute__((vector_size(CT_VW * 4)));
typedef double vd __attribute__((vector_size(CT_VW * 4)));  // half the lanes
typedef float vfh __attribute__((vector_size(CT_VW * 2)));  // half a vf
typedef int32_t vih __attribute__((vector_size(CT_VW * 2)));

CT_VINL vf splat(float x) { return x - vf{}; }  // not vf{} + x: that turns -0 into +0
CT_VINL vi splati(int32_t x) { return vi{} + x; }
CT_VINL vf vabs(vf x) { return (vf)((vi)x & 0x7fffffff); }
CT_VINL vf vload(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
CT_VINL void vstore(float* p, vf v) { std::memcpy(p, &v, sizeof(v)); }
// Round to nearest even for |x| < 2^22 (the add/sub pair must not be reassociated: no fast-math).
CT_VINL vf vrint(vf x) { return (x + 12582912.f) - 12582912.f; }

// e^x. x = n*ln2 + r, |r| <= ln2/2; e^r by a degree-6 polynomial (Cephes coefficients); 2^n
// applied in two halves so results in the denormal range round once.
CT_VINL vf v_exp(vf x) {
  const vf xc = x > 88.8f ? splat(88.8f) : (x < -104.f ? splat(-104.f) : x);  // NaN stays NaN
  const vf n = vrint(xc * 1.44269504088896341f);
  vf r = CT_VFMA(n, splat(-0.693359375f), xc);
  r = CT_VFMA(n, splat(2.12194440e-4f), r);
  vf p = splat(1.9875691500e-4f);
  p = CT_VFMA(p, r, splat(1.3981999507e-3f));
  p = CT_VFMA(p, r, splat(8.3334519073e-3f));
  p = CT_VFMA(p, r, splat(4.1665795894e-2f));
  p = CT_VFMA(p, r, splat(1.6666665459e-1f));
  p = CT_VFMA(p, r, splat(5.0000001201e-1f));
  p = CT_VFMA(p, r * r, r) + 1.f;
  const vi ni = __builtin_convertvector(n, vi);
  const vi n1 = ni >> 1, n2 = ni - n1;
  const vf s1 = (vf)((n1 + 127) << 23), s2 = (vf)((n2 + 127) << 23);
  vf y = p * s1 * s2;
  y = x > 88.72283935546875f ? splat(__builtin_inff()) : y;
  return x < -103.972084045410f ? splat(0.f) : y;
}

// ln x = e*ln2 + ln(m), m in [sqrt(1/2), sqrt(2)); ln(1+f) = f - f^2/2 + f^3 P(f) (Cephes).
CT_VINL vf v_log(vf x) {
  const auto denorm = x < 1.17549435e-38f;
  const vf xs = denorm ? x * 8388608.f : x;
  const vi bits = (vi)xs;
  vi e = ((bits >> 23) & 0xff) - 126 - (denorm & 23);
  vf m = (vf)((bits & 0x007fffff) | 0x3f000000);  // [0.5, 1)
  const auto small = m < 0.707106781186547524f;
  e = e + small;  // small is -1 where true
  m = small ? m + m : m;
  const vf f = m - 1.f, z = f * f;
  vf p = splat(7.0376836292e-2f);
  p = CT_VFMA(p, f, splat(-1.1514610310e-1f));
  p = CT_VFMA(p, f, splat(1.1676998740e-1f));
  p = CT_VFMA(p, f, splat(-1.2420140846e-1f));
  p = CT_VFMA(p, f, splat(1.4249322787e-1f));
  p = CT_VFMA(p, f, splat(-1.6668057665e-1f));
  p = CT_VFMA(p, f, splat(2.0000714765e-1f));
  p = CT_VFMA(p, f, splat(-2.4999993993e-1f));
  p = CT_VFMA(p, f, splat(3.3333331174e-1f));
  const vf fe = __builtin_convertvector(e, vf);
  vf y = p * f * z;
  y = CT_VFMA(fe, splat(-2.12194440e-4f), y);
  y = CT_VFMA(z, splat(-0.5f), y);
  y = f + y;
  y = CT_VFMA(fe, splat(0.693359375f), y);
  y = x == __builtin_inff() ? x : y;
  y = x == 0.f ? splat(-__builtin_inff()) : y;
  return ((x < 0.f) | (x != x)) ? splat(__builtin_nanf("")) : y;
}

CT_VINL vf with_sign_of(vf mag, vf s) { return (vf)((vi)mag | ((vi)s & (int32_t)0x80000000)); }

// sin/cos on [-pi/4, pi/4] (Cephes sinf/cosf polynomials). Odd functions are evaluated on |r|
// and signed afterwards, which also keeps sin(-0) == -0.
CT_VINL vf v_sin_poly(vf r, vf z) {
  vf p = splat(-1.9515295891e-4f);
  p = CT_VFMA(p, z, splat(8.3321608736e-3f));
  p = CT_VFMA(p, z, splat(-1.6666654611e-1f));
  const vf ar = vabs(r);
  return with_sign_of(CT_VFMA(p * z, ar, ar), r);
}
CT_VINL vf v_cos_poly(vf z) {
  vf p = splat(2.443315711809948e-5f);
  p = CT_VFMA(p, z, splat(-1.388731625493765e-3f));
  p = CT_VFMA(p, z, splat(4.166664568298827e-2f));
  return CT_VFMA(p * z * z, splat(1.f), CT_VFMA(z, splat(-0.5f), splat(1.f)));
}

// Quadrant reduction x = j*pi/2 + r in double (exact enough for |x| < 2^20: no cancellation
// trouble near multiples of pi/2). Lanes beyond that (and inf/NaN) are redone with libm.
CT_VINL vd v_reduce_half(vd xd, vd* r) {
  const vd jd = (xd * 0.636619772367581343 + 6755399441055744.0) - 6755399441055744.0;
  vd rd = xd - jd * 1.5707963267341256;  // pi/2 high part: 33 bits, jd*hi is exact
  *r = rd - jd * 6.077100506506192e-11;
  return jd;
}
CT_VINL void v_reduce(vf x, vf* r, vi* j) {
  vd r0, r1;
  const vd j0 = v_reduce_half(__builtin_convertvector(__builtin_shufflevector(x, x, CT_VLO), vd), &r0);
  const vd j1 = v_reduce_half(__builtin_convertvector(__builtin_shufflevector(x, x, CT_VHI), vd), &r1);
  const vfh rf0 = __builtin_convertvector(r0, vfh), rf1 = __builtin_convertvector(r1, vfh);
  const vih ji0 = __builtin_convertvector(j0, vih), ji1 = __builtin_convertvector(j1, vih);
  *r = __builtin_shufflevector(rf0, rf1, CT_VALL);
  *j = __builtin_shufflevector(ji0, ji1, CT_VALL);
}
// cos(x) = sin(x + pi/2): quadrant + 1.
template <bool Cos>
CT_VINL vf v_sincos(vf x) {
  vf r;
  vi j;
  v_reduce(x, &r, &j);
  if (Cos) j = j + 1;
  const vf z = r * r;
  const vf s = v_sin_poly(r, z), c = v_cos_poly(z);
  vf y = (j & 1) != 0 ? c : s;
  y = (vf)((vi)y ^ ((j & 2) << 30));
  return y;
}
CT_VINL bool v_sincos_in_range(vf x) {
  return !CT_VANY((vabs(x) >= 1048576.f) | (x != x));  // also inf
}

// tanh: odd polynomial below 0.625 (Cephes), 1 - 2/(e^{2|x|} + 1) above, +-1 beyond 9.
CT_VINL vf v_tanh(vf x) {
  const vf ax = vabs(x), z = x * x;
  vf p = splat(-5.70498872745e-3f);
  p = CT_VFMA(p, z, splat(2.06390887954e-2f));
  p = CT_VFMA(p, z, splat(-5.37397155531e-2f));
  p = CT_VFMA(p, z, splat(1.33314422036e-1f));
  p = CT_VFMA(p, z, splat(-3.33332819422e-1f));
  const vf small = CT_VFMA(p * z, ax, ax);
  const vf e = v_exp(ax + ax);
  const vf big = 1.f - 2.f / (e + 1.f);
  return with_sign_of(ax < 0.625f ? small : big, x);
}

CT_VINL vf v_sigmoid(vf x) { return 1.f / (1.f + v_exp(-x)); }

// log1p(x) = log(u) * x / (u - 1) with u = 1 + x (Goldberg): the quotient corrects the rounding
// of u; u == 1 means |x| is below half an ulp of 1, where log1p(x) == x.
CT_VINL vf v_log1p(vf x) {
  const vf u = x + 1.f;
  const vf y = v_log(u) * (x / (u - 1.f));
  const vf r = u == 1.f ? x : y;
  return x == __builtin_inff() ? x : r;
}

// ---- array drivers ----
template <class VF>
CT_VINL void v_apply(const float* x, float* y, int64_t n, VF vfn) {
  int64_t i = 0;
  // Huge outputs: align y and stream it (see use_stream). Odd elements go through a splatted
  // vector, so every element sees the same formula.
  if (x != y && use_stream(n * 4)) {
    for (; i < n && (reinterpret_cast<uintptr_t>(y + i) % (CT_VW * 4)) != 0; ++i) y[i] = vfn(splat(x[i]))[0];
    for (; i + CT_VW <= n; i += CT_VW) {
      _mm_prefetch(reinterpret_cast<const char*>(x + i) + CT_PF_DIST, _MM_HINT_T0);
      CT_VSTREAM(y + i, vfn(vload(x + i)));
    }
    for (; i < n; ++i) y[i] = vfn(splat(x[i]))[0];
    return;
  }
  for (; i + CT_VW <= n; i += CT_VW) {
    _mm_prefetch(reinterpret_cast<const char*>(x + i) + CT_PF_DIST, _MM_HINT_T0);
    vstore(y + i, vfn(vload(x + i)));
  }
  if (i < n) {  // tail through a padded vector, so every element sees the same formula
    float buf[CT_VW] = {};
    std::memcpy(buf, x + i, sizeof(float) * size_t(n - i));
    vstore(buf, vfn(vload(buf)));
    std::memcpy(y + i, buf, sizeof(float) * size_t(n - i));
  }
}

template <bool Cos>
CT_VINL vf v_sincos_checked(vf v) {
  if (__builtin_expect(v_sincos_in_range(v), 1)) return v_sincos<Cos>(v);
  vf y = v_sincos<Cos>(v);
  for (int i = 0; i < CT_VW; ++i)
    if (!(std::fabs(v[i]) < 1048576.f)) y[i] = Cos ? std::cos(v[i]) : std::sin(v[i]);
  return y;
}
#define CT_VMATH_ARRAY(name, expr)                                                        \
  static void name(const float* x, float* y, int64_t n) {                                 \
    v_apply(x, y, n, [](vf v) __attribute__((always_inline)) { return expr; });           \
  }
CT_VMATH_ARRAY(exp_f32, v_exp(v))
CT_VMATH_ARRAY(log_f32, v_log(v))
CT_VMATH_ARRAY(tanh_f32, v_tanh(v))
CT_VMATH_ARRAY(sigmoid_f32, v_sigmoid(v))
CT_VMATH_ARRAY(log1p_f32, v_log1p(v))
CT_VMATH_ARRAY(sqrt_f32, CT_VSQRT(v))  // correctly rounded, as sqrtf
CT_VMATH_ARRAY(rsqrt_f32, 1.f / CT_VSQRT(v))
CT_VMATH_ARRAY(sin_f32, v_sincos_checked<false>(v))
CT_VMATH_ARRAY(cos_f32, v_sincos_checked<true>(v))
#undef CT_VMATH_ARRAY
