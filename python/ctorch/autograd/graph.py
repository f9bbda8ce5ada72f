"""Graph introspection: ``Node`` is the common (abstract) type of every ``grad_fn``.

C++ nodes are ``_C.Node``; a custom Function's grad_fn is its ctx (a ``BackwardCFunction``).
"""
import abc
from collections import namedtuple

from .. import _C

__all__ = ["Node", "GradientEdge", "get_gradient_edge"]


class Node(abc.ABC):
    """isinstance(t.grad_fn, Node) holds for both kinds of graph nodes."""

    @abc.abstractmethod
    def name(self):
        ...

    @property
    @abc.abstractmethod
    def next_functions(self):
        ...

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Node:
            from .function import BackwardCFunction
            if issubclass(C, (_C.Node, BackwardCFunction)):
                return True
        return NotImplemented


GradientEdge = namedtuple("GradientEdge", ("node", "output_nr"))
GradientEdge.__doc__ = "A (node, output_nr) pair identifying where a tensor's gradient flows."


def get_gradient_edge(tensor):
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require gradients")
    if tensor.grad_fn is not None:
        return GradientEdge(tensor.grad_fn, tensor.output_nr)
    # A leaf: its AccumulateGrad node is reachable through any op on it.
    return GradientEdge(tensor.view_as(tensor).grad_fn.next_functions[0][0], 0)
