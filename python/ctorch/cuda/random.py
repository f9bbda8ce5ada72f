"""The per-device Philox generators (seed + offset), seeded like torch.cuda's.

The state tensor is 16 bytes: the seed and the counter offset, both little-endian uint64.
Seeding before CUDA is initialised is remembered and applied on first use (like torch's lazy
seeding), so ctorch.manual_seed works on machines without a GPU.
"""
import struct

from .. import _C

_pending_seed = None


def _apply_pending():
    global _pending_seed
    if _pending_seed is not None:
        _C._cuda_manual_seed(-1, _pending_seed)
        _pending_seed = None


def _ready():
    from . import is_available
    if not is_available():
        return False
    _apply_pending()
    return True


def manual_seed(seed):
    seed = int(seed) & 0xFFFFFFFFFFFFFFFF
    if _ready():
        from . import current_device
        _C._cuda_manual_seed(current_device(), seed)
    else:
        global _pending_seed
        _pending_seed = seed


def manual_seed_all(seed):
    seed = int(seed) & 0xFFFFFFFFFFFFFFFF
    if _ready():
        _C._cuda_manual_seed(-1, seed)
    else:
        global _pending_seed
        _pending_seed = seed


def seed():
    if _ready():
        from . import current_device
        _C._cuda_seed(current_device())


def seed_all():
    if _ready():
        from . import device_count
        s = _C._cuda_seed(0)
        for d in range(1, device_count()):
            _C._cuda_manual_seed(d, s)


def initial_seed():
    from . import _lazy_init, current_device
    _lazy_init()
    _apply_pending()
    return int(_C._cuda_initial_seed(current_device()))


def get_rng_state(device="cuda"):
    from . import _lazy_init, _get_device_index
    import ctorch
    _lazy_init()
    _apply_pending()
    s, o = _C._cuda_get_rng_state(_get_device_index(device))
    return ctorch.tensor(list(struct.pack("<QQ", s, o)), dtype=ctorch.uint8)


def get_rng_state_all():
    from . import device_count
    return [get_rng_state(d) for d in range(device_count())]


def set_rng_state(new_state, device="cuda"):
    from . import _lazy_init, _get_device_index
    _lazy_init()
    _apply_pending()
    b = bytes(new_state.cpu().tolist())
    if len(b) != 16:
        raise RuntimeError("RNG state is wrong size")
    s, o = struct.unpack("<QQ", b)
    _C._cuda_set_rng_state(_get_device_index(device), s, o)


def set_rng_state_all(new_states):
    for d, st in enumerate(new_states):
        set_rng_state(st, d)
