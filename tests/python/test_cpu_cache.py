"""ctorch.cpu: torch.cpu's device-agnostic API, CPU memory statistics and the large-block cache."""
import threading

import numpy as np
import pytest

import ctorch
from _torch_ref import require_torch

MiB = 1 << 20


@pytest.fixture
def torch():
    return require_torch()


@pytest.fixture
def cache_cap():
    """Restores the cache cap after a test changes it."""
    old = ctorch.cpu.max_cached_bytes()
    yield
    ctorch.cpu.set_max_cached_bytes(old)


def test_device_agnostic_api_matches_torch(torch):
    for name in ["is_available", "is_initialized", "device_count", "current_device"]:
        assert getattr(ctorch.cpu, name)() == getattr(torch.cpu, name)(), name
    assert ctorch.cpu.synchronize() is None and ctorch.cpu.synchronize("cpu") is None
    assert ctorch.cpu.set_device("cpu") is None
    for name in torch.cpu.__all__:
        assert hasattr(ctorch.cpu, name), name
    s = ctorch.cpu.Stream()
    assert ctorch.cpu.current_stream() is not s
    with ctorch.cpu.stream(s):
        assert ctorch.cpu.current_stream() is s
    assert ctorch.cpu.current_stream() is not s
    with ctorch.cpu.StreamContext(None):
        pass
    e = ctorch.cpu.Event()
    e.record()
    assert e.query() is True
    caps, tcaps = ctorch.cpu.get_capabilities(), torch.cpu.get_capabilities()
    for key in ["avx2", "avx512_f", "avx512_bw", "avx512_vnni", "fma3"]:
        assert caps[key] == tcaps.get(key, caps[key]), key
    with pytest.raises(TypeError):
        caps["avx2"] = False  # read-only mapping, as in torch


def test_stats_keys_and_types():
    s = ctorch.cpu.memory_stats()
    for k in ["allocated_bytes", "cached_bytes", "peak_allocated_bytes", "num_allocs", "num_cache_hits",
              "reserved_bytes", "num_frees", "max_cached_bytes", "large_block_threshold"]:
        assert isinstance(s[k], int) and s[k] >= 0, k
    assert isinstance(ctorch.cpu.memory_allocated(), int)
    assert ctorch.cpu.memory_reserved() >= ctorch.cpu.memory_allocated()


def test_allocated_tracks_storages():
    base = ctorch.cpu.memory_allocated()
    x = ctorch.empty(3 * MiB // 4)  # 3 MiB of float32
    assert ctorch.cpu.memory_allocated() - base == 3 * MiB
    y = ctorch.zeros(10, dtype=ctorch.float64)
    assert ctorch.cpu.memory_allocated() - base == 3 * MiB + 80
    v = x[::2]  # a view allocates nothing
    assert ctorch.cpu.memory_allocated() - base == 3 * MiB + 80
    del x, y
    assert ctorch.cpu.memory_allocated() - base == 3 * MiB  # the view keeps the storage alive
    del v
    assert ctorch.cpu.memory_allocated() == base


def test_peak_and_reset():
    ctorch.cpu.reset_peak_memory_stats()
    base = ctorch.cpu.memory_allocated()
    assert ctorch.cpu.max_memory_allocated() == base
    x = ctorch.empty(2 * MiB)  # 8 MiB
    del x
    assert ctorch.cpu.max_memory_allocated() >= base + 8 * MiB
    ctorch.cpu.reset_peak_memory_stats()
    assert ctorch.cpu.max_memory_allocated() == ctorch.cpu.memory_allocated()
    ctorch.cpu.reset_accumulated_memory_stats()
    assert ctorch.cpu.memory_stats()["num_cache_hits"] == 0


def test_large_blocks_are_cached_and_reused(cache_cap):
    ctorch.cpu.set_max_cached_bytes(1 << 30)
    ctorch.cpu.empty_cache()
    x = ctorch.empty(5 * MiB // 4)  # 5 MiB
    p = x.data_ptr()
    assert p % (2 * MiB) == 0
    del x
    s = ctorch.cpu.memory_stats()
    assert s["cached_bytes"] >= 5 * MiB
    assert ctorch.cpu.memory_reserved() >= ctorch.cpu.memory_allocated() + 5 * MiB
    y = ctorch.empty(5 * MiB // 4)
    assert y.data_ptr() == p
    assert ctorch.cpu.memory_stats()["num_cache_hits"] == s["num_cache_hits"] + 1
    z = ctorch.empty(5 * MiB // 4)  # y is alive: a different block
    assert z.data_ptr() != p
    del y, z
    ctorch.cpu.empty_cache()
    assert ctorch.cpu.memory_stats()["cached_bytes"] == 0


def test_cap_limits_the_cache(cache_cap):
    ctorch.cpu.empty_cache()
    ctorch.cpu.set_max_cached_bytes(0)
    x = ctorch.empty(4 * MiB)
    del x
    assert ctorch.cpu.memory_stats()["cached_bytes"] == 0
    ctorch.cpu.set_max_cached_bytes(8 * MiB)
    xs = [ctorch.empty(3 * MiB // 4) for _ in range(5)]
    del xs
    assert 0 < ctorch.cpu.memory_stats()["cached_bytes"] <= 8 * MiB
    ctorch.cpu.set_max_cached_bytes(0)  # shrinking trims at once
    assert ctorch.cpu.memory_stats()["cached_bytes"] == 0
    with pytest.raises(ValueError):
        ctorch.cpu.set_max_cached_bytes(-1)


def test_reused_blocks_hold_correct_values(torch):
    # Big temporaries recycle cached blocks; results must not see stale data.
    rng = np.random.default_rng(0)
    a_np = rng.standard_normal((512, 1024)).astype(np.float32)
    b_np = rng.standard_normal((512, 1024)).astype(np.float32)
    a, b = ctorch.from_numpy(a_np), ctorch.from_numpy(b_np)
    ta, tb = torch.from_numpy(a_np), torch.from_numpy(b_np)
    for i in range(6):
        r = (a * float(i) + b).exp() - a
        t = (ta * float(i) + tb).exp() - ta
        np.testing.assert_allclose(r.numpy(), t.numpy(), rtol=1e-5, atol=1e-5)
        z = ctorch.zeros(512, 1024)  # a recycled block must still come back zeroed
        assert float(z.abs().sum()) == 0.0
        o = ctorch.ones(512, 1024)
        assert float(o.sum()) == 512 * 1024


def test_threads_never_share_a_block():
    errors = []

    def work(tid):
        try:
            live = []
            for it in range(40):
                n = [MiB // 4, MiB // 2 + 3, 3 * MiB // 4, 7, 1000][(tid + it) % 5]
                t = ctorch.full((n,), float(tid * 1000 + it))
                live.append((t, float(tid * 1000 + it)))
                if len(live) > 3:
                    t0, v = live.pop(0)
                    if not bool((t0 == v).all()):
                        errors.append((tid, it))
            for t0, v in live:
                if not bool((t0 == v).all()):
                    errors.append((tid, "end"))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_fork_child_can_allocate():
    import os

    keep = ctorch.empty(2 * MiB)  # noqa: F841  (cache in use in the parent)
    x = ctorch.empty(3 * MiB)
    del x  # a cached block at fork time
    pid = os.fork()
    if pid == 0:  # child: the allocator lock must be usable
        try:
            ctorch.set_num_threads(1)  # libgomp's thread pool does not survive fork
            y = ctorch.ones(3 * MiB) + 1
            z = ctorch.ones(100) * 2
            os._exit(0 if float(y[0]) == 2.0 and float(z.sum()) == 200.0 else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
