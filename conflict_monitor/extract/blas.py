"""Matrix products of the model's networks through numpy's BLAS, on one thread.

thinc multiplies with the BLIS library bundled in the `blis` package, which picks its kernel from
the CPU's id when it loads. On a CPU that BLIS build does not know it falls back to its portable
reference kernel: on the development machine (AMD EPYC, Zen 4: family 25, model 17)
`BLIS_ARCH_DEBUG=1` prints "selecting sub-configuration 'generic'", and that kernel took 35 % of
the extraction time. numpy's OpenBLAS picks an optimised kernel there (SkylakeX): an 800x288 by
288x288 product, the size of a tok2vec layer on one article, takes 1.4 ms instead of 4.2 ms.
The parses are the same (tests/extract/test_blas.py compares them token by token); the products
differ only in the last bits of float32 rounding, as they do between machines anyway.

OpenBLAS starts one thread per core for products this size; on a shared machine those threads
mostly wait for each other (CPU time 2.5 times higher, wall time higher too, measured with two
threads), so parsing runs under a one-thread limit set with threadpoolctl. Without threadpoolctl
the pipeline keeps BLIS.
"""

from __future__ import annotations

import contextlib
import functools


@functools.lru_cache(maxsize=1)
def _controller():
    """threadpoolctl's view of the BLAS libraries loaded now (numpy's), or None without it."""
    try:
        from threadpoolctl import ThreadpoolController  # noqa: PLC0415 - optional, inspects loaded libraries
    except ImportError:
        return None
    import numpy  # noqa: F401, PLC0415 - its BLAS must be loaded before the controller looks

    return ThreadpoolController()


def one_thread():
    """Context manager: numpy's BLAS on one thread inside it (a no-op without threadpoolctl)."""
    controller = _controller()
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")


def set_ops(nlp, ops) -> None:
    """Give every layer of every component's network the thinc `ops` (which do the products)."""
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        if hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


def install(nlp) -> bool:
    """Switch the pipeline's networks from BLIS to numpy's BLAS; False (unchanged) when the thread
    count of numpy's BLAS cannot be limited."""
    if _controller() is None:
        return False
    from thinc.api import NumpyOps  # noqa: PLC0415 - imports thinc: only when loading

    set_ops(nlp, NumpyOps(use_blis=False))
    return True


def describe(nlp) -> str:
    """Which library does the networks' products, for benchmark reports ("OpenBLAS 0.3.31
    (SkylakeX), one thread" or "BLIS")."""
    uses_blis = any(getattr(node.ops, "use_blis", False) for _, component in nlp.components
                    if hasattr(getattr(component, "model", None), "walk") for node in component.model.walk())
    controller = _controller()
    if uses_blis or controller is None:
        return "BLIS"
    libs = controller.select(user_api="blas").lib_controllers
    if not libs:
        return "numpy's BLAS, one thread"
    lib = libs[0]
    arch = getattr(lib, "architecture", None)
    return f"{lib.internal_api} {lib.version}" + (f" ({arch})" if arch else "") + ", one thread"
