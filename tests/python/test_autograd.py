"""ctorch.autograd vs torch.autograd: gradients through op chains, the backward/grad API, errors,
in-place rules, hooks, requires_grad/detach and graph introspection. Grad modes, anomaly detection
and deep graphs are in test_grad_mode.py."""
import warnings

import numpy as np
import pytest

import ctorch
from _autograd_ref import both, leaf, rand, same_error
from _torch_ref import require_torch

A23 = rand((2, 3), 1)
A32 = rand((3, 2), 2)
POS23 = rand((2, 3), 3, 0.5, 2.0)
V3 = rand((3,), 4)


def _grads(lib, fn, *arrays, gradient=None):
    """Leaves from arrays -> fn(lib, *leaves) -> backward -> (output, grads of leaves)."""
    xs = [leaf(lib, a) for a in arrays]
    out = fn(lib, *xs)
    g = None if gradient is None else lib.tensor(np.asarray(gradient).tolist(), dtype=out.dtype)
    if g is None and out.numel() != 1:
        g = lib.ones_like(out)
    out.backward(g)
    return out, [x.grad for x in xs]


# ----------------------------------------------------------------------------- gradients of op chains

CHAINS = {
    "add_mul": (lambda L, x: x * 2 + x * x, [A23]),
    "sub_div": (lambda L, x: (x - 1) / (x * x + 2), [A23]),
    "rsub_rdiv": (lambda L, x: 1 - 3 / (x * x + 1), [A23]),
    "pow_scalar": (lambda L, x: x ** 3, [A23]),
    "pow_frac": (lambda L, x: x ** 0.5, [POS23]),
    "scalar_pow": (lambda L, x: 2 ** x, [A23]),
    "pow_tensor": (lambda L, x, y: x ** y, [POS23, A23]),
    "exp_log": (lambda L, x: (x.exp() + 1).log(), [A23]),
    "tanh_sigmoid": (lambda L, x: x.tanh() * x.sigmoid(), [A23]),
    "sqrt_abs": (lambda L, x: (x.abs() + 1).sqrt(), [A23]),
    "relu_neg": (lambda L, x: (-x).relu() + x.relu() * 3, [A23]),
    "sin_cos": (lambda L, x: x.sin() * x.cos(), [A23]),
    "broadcast_add": (lambda L, x, b: x * b + b, [A23, V3]),
    "broadcast_mul_col": (lambda L, x, c: x * c, [A23, rand((2, 1), 5)]),
    "sum": (lambda L, x: (x * x).sum(), [A23]),
    "sum_dim": (lambda L, x: (x * x).sum(1), [A23]),
    "sum_keepdim": (lambda L, x: (x * 3).sum(0, keepdim=True), [A23]),
    "mean": (lambda L, x: (x * x).mean(), [A23]),
    "mean_dim": (lambda L, x: x.mean(dim=0) * 2, [A23]),
    "max": (lambda L, x: x.max() * 2, [A23]),
    "matmul": (lambda L, x, w: x @ w, [A23, A32]),
    "mv": (lambda L, x, v: x @ v, [A23, V3]),
    "view_chain": (lambda L, x: (x.view(3, 2) * 2).view(-1), [A23]),
    "t_transpose": (lambda L, x: x.t() * L.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=L.float64), [A23]),
    "permute_reshape": (lambda L, x: x.reshape(1, 2, 3).permute(2, 0, 1) * 3, [A23]),
    "unsqueeze_squeeze": (lambda L, x: x.unsqueeze(0).squeeze(0) * x, [A23]),
    "expand": (lambda L, x: x.expand(4, 3) * 2, [rand((1, 3), 6)]),
    "select_slice": (lambda L, x: x[1] * 2 + x[0, ::2].sum(), [A23]),
    "slice_step": (lambda L, x: x[:, ::2] * 5, [A23]),
    "index_list": (lambda L, x: x[[0, 1, 1]] * 2, [A23]),
    "index_mask": (lambda L, x: x[x > 0] * 2, [A23]),
    "cat_stack": (lambda L, x, y: L.cat([x, y * 2]).sum(0) + L.stack([x, y]).sum(0), [A23, rand((2, 3), 7)]),
    "clone": (lambda L, x: x.clone() * 2, [A23]),
    "to_float32": (lambda L, x: x.float() * 2, [A23]),
    "where": (lambda L, x: L.where(x > 0, x * 2, x * x), [A23]),
    "clamp": (lambda L, x: x.clamp(-1.0, 1.0) * 2, [A23]),
    "shared_leaf": (lambda L, x: x * x * x + x, [A23]),
    "diamond": (lambda L, x: (lambda y: y.exp() * y.sin())(x * 2), [A23]),
    "noncontig_input": (lambda L, x: x.t()[::2] * 3, [A23]),
    "zero_dim": (lambda L, x: x * x * 3, [np.array(1.5)]),
    "empty": (lambda L, x: x * 2, [np.zeros((0, 3))]),
}


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_chain_grads(name):
    fn, arrays = CHAINS[name]
    both(lambda L: _grads(L, fn, *arrays), rtol=1e-10, atol=1e-12)


def test_grad_dtype_follows_leaf():
    for dtype in ("float16", "bfloat16", "float32", "float64"):
        def f(L):
            x = leaf(L, A23, dtype)
            (x * 2).backward(L.ones(2, 3, dtype=getattr(L, dtype)))
            return x.grad
        both(f, rtol=1e-2, atol=1e-2)


def test_grad_output_of_other_dtype_is_cast():
    def f(L):
        x = leaf(L, A23, "float32")
        (x * 2).backward(L.ones(2, 3, dtype=L.float64))
        return x.grad
    both(f)


# ----------------------------------------------------------------------------- backward / grad API

def test_accumulates_over_two_backward_calls():
    def f(L):
        x = leaf(L, A23)
        y = x * x
        y.backward(L.ones_like(y), retain_graph=True)
        first = x.grad.clone()
        y.backward(L.ones_like(y))
        return first, x.grad
    both(f)


def test_grad_is_none_before_backward_and_resettable():
    def f(L):
        x = leaf(L, A23)
        before = x.grad
        (x * 2).backward(L.ones(2, 3, dtype=L.float64))
        x.grad = None
        (x * 3).backward(L.ones(2, 3, dtype=L.float64))
        return before, x.grad
    both(f)


def test_backward_twice_error():
    def f(L):
        x = leaf(L, A23)
        y = x * x
        y.backward(L.ones_like(y))
        y.backward(L.ones_like(y))
    same_error(f)


def test_backward_twice_error_sum():
    def f(L):
        x = leaf(L, A23)
        y = (x.exp()).sum()
        y.backward()
        y.backward()
    same_error(f)


def test_backward_twice_without_saved_tensors_is_fine():
    def f(L):
        x = leaf(L, A23)
        y = x + 1
        y.backward(L.ones_like(y))
        y.backward(L.ones_like(y))
        return x.grad
    both(f)


def test_retain_graph_allows_second_backward():
    def f(L):
        x = leaf(L, A23)
        y = x.exp() * x
        y.backward(L.ones_like(y), retain_graph=True)
        y.backward(L.ones_like(y) * 2)
        return x.grad
    both(f, rtol=1e-12)


def test_double_backward_pow():
    def f(L):
        x = leaf(L, A23)
        y = x ** 3
        (g,) = L.autograd.grad(y, x, L.ones_like(y), create_graph=True)
        (gg,) = L.autograd.grad(g, x, L.ones_like(g))
        return g, gg, g.requires_grad
    both(f, rtol=1e-12)


def test_double_backward_via_backward_create_graph():
    def f(L):
        x = leaf(L, V3)
        y = (x * x * x).sum()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y.backward(create_graph=True)
        g = x.grad
        x.grad = None
        g.sum().backward()
        return g.detach(), x.grad
    both(f, rtol=1e-12)


def test_triple_derivative():
    def f(L):
        x = leaf(L, V3)
        y = x * x * x * x
        (g1,) = L.autograd.grad(y, x, L.ones_like(y), create_graph=True)
        (g2,) = L.autograd.grad(g1, x, L.ones_like(g1), create_graph=True)
        (g3,) = L.autograd.grad(g2, x, L.ones_like(g2))
        return g1, g2, g3
    both(f, rtol=1e-12)


def test_autograd_grad_does_not_touch_dot_grad():
    def f(L):
        x = leaf(L, A23)
        y = x * x
        (g,) = L.autograd.grad(y, [x], [L.ones_like(y)])
        return g, x.grad
    both(f)


def test_autograd_grad_multiple_outputs_inputs():
    def f(L):
        x, w = leaf(L, A23), leaf(L, rand((2, 3), 9))
        a, b = x * w, x + w * 2
        return L.autograd.grad([a, b], (x, w), [L.ones_like(a), L.ones_like(b) * 3])
    both(f)


def test_autograd_grad_allow_unused():
    def f(L):
        x, z = leaf(L, A23), leaf(L, V3)
        y = x * 2
        return L.autograd.grad(y, [x, z], L.ones_like(y), allow_unused=True)
    both(f)


def test_autograd_grad_unused_error():
    def f(L):
        x, z = leaf(L, A23), leaf(L, V3)
        y = x * 2
        L.autograd.grad(y, [x, z], L.ones_like(y))
    same_error(f)


def test_autograd_grad_materialize_grads():
    def f(L):
        x, z = leaf(L, A23), leaf(L, V3)
        y = x * 2
        return L.autograd.grad(y, [x, z], L.ones_like(y), materialize_grads=True)
    both(f)
    same_error(lambda L: L.autograd.grad(leaf(L, V3) * 2, leaf(L, V3), materialize_grads=True, allow_unused=False))


def test_autograd_grad_input_not_requiring_grad():
    def f(L):
        x = leaf(L, A23)
        L.autograd.grad(x * 2, [x.detach()], L.ones(2, 3, dtype=L.float64))
    same_error(f)


def test_autograd_grad_empty_inputs():
    same_error(lambda L: L.autograd.grad(leaf(L, V3).sum(), []))


def test_autograd_grad_of_intermediate():
    def f(L):
        x = leaf(L, A23)
        y = x * 3
        z = y * y
        return L.autograd.grad(z, y, L.ones_like(z))
    both(f)


def test_grad_outputs_int_tensor_is_accepted():
    def f(L):
        x = leaf(L, V3)
        y = x * 2
        return L.autograd.grad(y, x, L.tensor([1, 2, 3]))
    both(f)


def test_grad_outputs_bad_type():
    same_error(lambda L: L.autograd.grad([leaf(L, V3) * 2], [leaf(L, V3)], grad_outputs=[1.0]))
    same_error(lambda L: leaf(L, V3).exp().backward(2.0))


def test_is_grads_batched():
    def f(L):
        x = leaf(L, V3)
        y = x * x
        go = L.tensor(rand((4, 3), 11).tolist(), dtype=L.float64)
        return L.autograd.grad(y, x, go, is_grads_batched=True)
    both(f)


def test_only_inputs_warns():
    for L in (ctorch, require_torch()):
        x = leaf(L, V3)
        with pytest.warns(FutureWarning, match="only_inputs argument is deprecated"):
            L.autograd.grad(x * 2, x, L.ones(3, dtype=L.float64), only_inputs=False)


def test_backward_inputs_restricts_accumulation():
    def f(L):
        x, w = leaf(L, A23), leaf(L, A23 + 1)
        y = x * w
        y.backward(L.ones_like(y), inputs=[x])
        return x.grad, w.grad
    both(f)


def test_backward_inputs_non_leaf():
    def f(L):
        x = leaf(L, A23)
        h = x * 2
        y = h * h
        y.backward(L.ones_like(y), inputs=[h])
        return h.grad, x.grad
    both(f)


def test_backward_inputs_empty_error():
    same_error(lambda L: (leaf(L, V3) * 2).backward(L.ones(3, dtype=L.float64), inputs=[]))


def test_module_level_backward_lists():
    def f(L):
        x = leaf(L, V3)
        a, b = x * 2, x * x
        L.autograd.backward([a, b], [L.ones(3, dtype=L.float64), L.ones(3, dtype=L.float64) * 2])
        return x.grad
    both(f)


def test_backward_count_mismatch():
    same_error(lambda L: L.autograd.backward([leaf(L, V3) * 2, leaf(L, V3) * 3], [L.ones(3, dtype=L.float64)]))
    same_error(lambda L: L.autograd.grad([leaf(L, V3) * 2, leaf(L, V3) * 3], leaf(L, V3),
                                         [L.ones(3, dtype=L.float64)]))


def test_backward_shape_mismatch():
    same_error(lambda L: (leaf(L, V3) * 2).backward(L.ones(2, dtype=L.float64)))


def test_non_scalar_backward_error():
    same_error(lambda L: (leaf(L, A23) * 2).backward())


def test_no_grad_fn_error():
    same_error(lambda L: L.ones(3).backward(L.ones(3)))
    same_error(lambda L: L.ones(1).backward())
    same_error(lambda L: L.autograd.grad(L.ones(3), leaf(L, V3), L.ones(3)))


def test_scalar_backward_implicit_ones():
    def f(L):
        x = leaf(L, V3)
        (x * 3).sum().backward()
        y = leaf(L, [2.0])
        (y * y).backward()
        return x.grad, y.grad
    both(f)


# ----------------------------------------------------------------------------- in-place rules

def test_inplace_on_leaf_requiring_grad():
    same_error(lambda L: leaf(L, V3).add_(1))
    same_error(lambda L: leaf(L, V3).mul_(2))


def test_inplace_on_leaf_under_no_grad_is_allowed():
    def f(L):
        x = leaf(L, V3)
        with L.no_grad():
            x.mul_(2)
        (x * x).backward(L.ones(3, dtype=L.float64))
        return x.detach(), x.grad, x.requires_grad, x.is_leaf
    both(f)


def test_inplace_modified_saved_tensor_error():
    def f(L):
        a = leaf(L, V3, "float32")
        b = a * 2
        c = b * b
        b.add_(1)
        c.backward(L.ones(3))
    same_error(f)


def test_inplace_modified_saved_output_error():
    def f(L):
        a = leaf(L, V3, "float32")
        b = a.exp()
        b.add_(1)
        b.backward(L.ones(3))
    same_error(f)


def test_inplace_on_non_leaf_grad():
    def f(L):
        x = leaf(L, A23)
        y = x * 2
        y.add_(1)
        y.mul_(3)
        y.backward(L.ones_like(y))
        return y.grad_fn.name(), x.grad, y._version
    both(f)


def test_inplace_on_view_of_non_leaf():
    def f(L):
        x = leaf(L, A23)
        y = x * 1
        y[0].mul_(5)
        y.backward(L.ones_like(y))
        return x.grad
    both(f)


def test_version_counter():
    def f(L):
        x = leaf(L, V3)
        y = x * 2
        v0 = y._version
        y.add_(1)
        y.mul_(2)
        return v0, y._version
    both(f)


# ----------------------------------------------------------------------------- hooks

def test_leaf_hook_modifies_grad():
    def f(L):
        x = leaf(L, V3)
        seen = []
        x.register_hook(lambda g: seen.append(g.clone()) or g * 10)
        (x * 2).backward(L.ones(3, dtype=L.float64))
        return x.grad, seen
    both(f)


def test_non_leaf_hook_modifies_grad_flow():
    def f(L):
        x = leaf(L, V3)
        y = x * 2
        y.register_hook(lambda g: g * 3)
        (y * y).backward(L.ones(3, dtype=L.float64))
        return x.grad
    both(f)


def test_hook_returning_none_keeps_grad():
    def f(L):
        x = leaf(L, V3)
        y = x * 2
        seen = []
        y.register_hook(lambda g: seen.append(g.clone()))
        (y * 4).backward(L.ones(3, dtype=L.float64))
        return x.grad, seen
    both(f)


def test_multiple_hooks_run_in_order():
    def f(L):
        x = leaf(L, V3)
        y = x * 1
        y.register_hook(lambda g: g + 1)
        y.register_hook(lambda g: g * 10)
        y.backward(L.ones(3, dtype=L.float64))
        return x.grad
    both(f)


def test_hook_handle_remove():
    def f(L):
        x = leaf(L, V3)
        h = x.register_hook(lambda g: g * 100)
        h.remove()
        y = x * 2
        h2 = y.register_hook(lambda g: g * 7)
        h2.remove()
        y.backward(L.ones(3, dtype=L.float64))
        return x.grad
    both(f)


def test_hook_on_tensor_not_requiring_grad():
    same_error(lambda L: L.ones(3).register_hook(lambda g: g))


def test_hook_sees_grad_in_autograd_grad():
    def f(L):
        x = leaf(L, V3)
        x.register_hook(lambda g: g * 2)
        return L.autograd.grad(x * 3, x, L.ones(3, dtype=L.float64))
    both(f)


def test_retain_grad():
    def f(L):
        x = leaf(L, A23)
        y = x * 2
        y.retain_grad()
        z = y * y
        z.backward(L.ones_like(z))
        return y.grad, y.retains_grad, x.retains_grad, x.grad
    both(f)


def test_retain_grad_runs_after_hooks():
    def f(L):
        x = leaf(L, V3)
        a = x * 2
        a.retain_grad()
        a.register_hook(lambda g: g * 10)
        b = x * 2
        b.register_hook(lambda g: g * 10)
        b.retain_grad()
        (a + b).backward(L.ones(3, dtype=L.float64))
        return a.grad, b.grad, x.grad
    both(f)


def test_retain_grad_accumulates():
    def f(L):
        x = leaf(L, V3)
        y = x * 2
        y.retain_grad()
        z = y * 3
        z.backward(L.ones(3, dtype=L.float64), retain_graph=True)
        z.backward(L.ones(3, dtype=L.float64))
        return y.grad
    both(f)


def test_retain_grad_errors():
    same_error(lambda L: L.ones(3).retain_grad())


def test_non_leaf_grad_is_none_and_warns():
    def f(L):
        x = leaf(L, V3)
        y = x * 2
        (y * 2).backward(L.ones(3, dtype=L.float64))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            g = y.grad
            z = x * 3
            z.retain_grad()
            gz = z.grad
            gx = x.grad
        # torch appends " (Triggered internally at <its C++ source>)"
        msgs = [str(m.message).split(" (Triggered internally")[0] for m in w]
        return g, gz, gx, msgs, [m.category.__name__ for m in w]
    both(f)


def test_data_does_not_share_version_counter():
    def f(L):
        x = leaf(L, V3)
        y = x * x
        x.data.mul_(1)  # not seen by the saved-tensor check
        y.backward(L.ones(3, dtype=L.float64))
        d = x.data
        return x._version, d._version, d.requires_grad, d.is_leaf, x.grad
    both(f)


# ----------------------------------------------------------------------------- requires_grad, detach, leaves

def test_requires_grad_errors():
    same_error(lambda L: L.tensor([1, 2]).requires_grad_())
    same_error(lambda L: setattr(L.tensor([1, 2]), "requires_grad", True))
    same_error(lambda L: (leaf(L, V3) * 2).requires_grad_(False))


def test_requires_grad_propagation():
    def f(L):
        x = leaf(L, V3)
        c = L.ones(3, dtype=L.float64)
        y = x * c
        z = c * 2
        return (x.requires_grad, c.requires_grad, y.requires_grad, z.requires_grad, x.is_leaf, y.is_leaf,
                z.is_leaf, c.is_leaf, z.grad_fn is None)
    both(f)


def test_detach():
    def f(L):
        x = leaf(L, V3)
        y = x * 2
        d = y.detach()
        d.zero_()  # shares storage with y
        return d.requires_grad, d.is_leaf, d.grad_fn is None, y.detach()
    both(f)


def test_detach_inplace():
    def f(L):
        x = leaf(L, V3)
        y = x * 2
        y.detach_()
        return y.requires_grad, y.is_leaf, y.grad_fn is None
    both(f)
    same_error(lambda L: (leaf(L, A23) * 2)[0].detach_())


def test_data_property():
    def f(L):
        x = leaf(L, V3)
        d = x.data
        d.mul_(2)  # no error: .data is outside autograd
        x.data = L.zeros(3, dtype=L.float64)
        return d.requires_grad, x.requires_grad, x.detach()
    both(f)


def test_grad_assignment_errors():
    same_error(lambda L: setattr(leaf(L, V3), "grad", L.ones(4, dtype=L.float64)))
    same_error(lambda L: setattr(leaf(L, V3), "grad", L.ones(3, dtype=L.float32)))
    same_error(lambda L: setattr(leaf(L, V3), "grad", 3))


def test_grad_assignment():
    def f(L):
        x = leaf(L, V3)
        x.grad = L.ones(3, dtype=L.float64)
        (x * 2).backward(L.ones(3, dtype=L.float64))
        return x.grad
    both(f)


# ----------------------------------------------------------------------------- graph introspection, repr

def test_grad_fn_names():
    def f(L):
        x = leaf(L, A23)
        w = leaf(L, A32)
        outs = [x + 1, x - 1, x * 2, x / 2, -x, x ** 2, x.exp(), x.log(), x.sqrt(), x.tanh(), x.sigmoid(), x.relu(),
                x.sum(), x.sum(1), x.mean(), x @ w, x.view(-1), x.reshape(3, 2), x.t(), x.transpose(0, 1),
                x.permute(1, 0), x[0], x[:, 1:], x[[0, 1]], x.unsqueeze(0), x.unsqueeze(0).squeeze(0),
                x[:1].expand(4, 3), L.cat([x, x]), L.stack([x, x]), x.clone(), x.float(),
                x.clamp(0.0, 1.0), L.where(x > 0, x, x * 2), x.abs()]
        return [o.grad_fn.name() for o in outs]
    both(f)


def _reprs(L, fn):
    # ctorch prints "ctorch." where torch prints "torch." (see test_repr.py).
    return [repr(t).replace("ctorch.", "torch.") for t in fn(L)]


def test_repr_with_grad_fn():
    def f(L):
        x = leaf(L, [1.0, 2.0], "float32")
        x64 = leaf(L, [1.0, 2.0], "float64")
        return [x, x + 1, x * 2, x.view(2), (x * 2).detach(), x64, x64 * 2]
    both(lambda L: _reprs(L, f))


def test_repr_reductions():
    def f(L):
        x = leaf(L, [1.0, 2.0], "float32")
        return [x.sum(), x.mean()]
    both(lambda L: _reprs(L, f))


def test_next_functions_structure():
    def f(L):
        x = leaf(L, V3)
        c = L.ones(3, dtype=L.float64)
        y = x * c
        z = y + x
        nf = z.grad_fn.next_functions
        acc = nf[1][0]
        return ([(n.name() if n is not None else None, i) for n, i in nf],
                [(n.name() if n is not None else None, i) for n, i in y.grad_fn.next_functions],
                acc.variable is x)
    both(f)


def test_grad_fn_is_node_instance():
    x = leaf(ctorch, V3)
    y = x * 2
    assert isinstance(y.grad_fn, ctorch.autograd.graph.Node)
    assert not isinstance(3, ctorch.autograd.graph.Node)


def test_output_nr():
    def f(L):
        x = leaf(L, A23)
        a, b = x.unbind(0)
        return a.output_nr, b.output_nr, x.output_nr
    both(f)


def test_variable_legacy():
    def f(L):
        x = L.ones(3)
        v = L.autograd.Variable(x, requires_grad=True)
        return v.requires_grad, x.requires_grad, isinstance(x, L.autograd.Variable), v is x
    both(f)
