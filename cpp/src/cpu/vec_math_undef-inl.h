// Undefines the per-ISA parameters of vec_math-inl.h (no include guard, see vec_math.cpp).
#undef CT_VW
#undef CT_VFMA
#undef CT_VSTREAM
#undef CT_VANY
#undef CT_VLO
#undef CT_VHI
#undef CT_VALL
#undef CT_VSQRT
