# Rewrites kernel launches `name<<<grid, block[, smem, stream]>>>(args);` into emu::launch calls.
import re, sys
# Kernels with __syncthreads or warp shuffles: their threads run on real threads with barriers.
THREADED = ('count_kernel', 'compact_kernel', 'index_kernel', 'reduce_kernel', 'finish_kernel', 'scan_warp_kernel',
            'gemm_tiled_kernel', 'gemv_dot_kernel', 'gemv_cols_kernel')
src = open(sys.argv[1]).read()
out, pos = [], 0
while True:
    k = src.find('<<<', pos)
    if k < 0: break
    ls = src.rfind('\n', 0, k) + 1
    name_start = ls + (len(src[ls:k]) - len(src[ls:k].lstrip()))
    name = src[name_start:k]
    e = src.find('>>>', k)
    cfg = src[k + 3:e]
    assert src[e + 3] == '(', src[k:e + 10]
    depth, j = 0, e + 3
    while True:
        ch = src[j]
        if ch == '(': depth += 1
        elif ch == ')':
            depth -= 1
            if depth == 0: break
        j += 1
    args = src[e + 4:j]
    assert src[j + 1] == ';'
    depth, parts, cur = 0, [], ''
    for ch in cfg:
        if ch in '(<{': depth += 1
        if ch in ')>}': depth -= 1
        if ch == ',' and depth == 0: parts.append(cur); cur = ''
        else: cur += ch
    parts.append(cur)
    thr = 'true' if any(t in name for t in THREADED) else 'false'
    out.append(src[pos:name_start])
    out.append(f'emu::launch(dim3({parts[0]}), (long long)({parts[1]}), {thr}, [&] {{ {name}({args}); }});')
    pos = j + 2
out.append(src[pos:])
res = ''.join(out)
if sys.argv[1].endswith('common.cuh'):
    assert res.count('#if defined(__CUDA_ARCH__)') == 1
    res = res.replace('#if defined(__CUDA_ARCH__)', '#if 1')
if sys.argv[1].endswith('runtime.cu'):
    a = 'bool can_use_32bit(const TensorIter& it) {'
    assert a in res
    res = res.replace(a, a + '\n  if (emu_force64) return false;')
    res = res.replace('namespace ctorch {\nnamespace cuda {', 'namespace ctorch {\nnamespace cuda {\nbool emu_force64 = false;', 1)
open(sys.argv[2], 'w').write(res)
