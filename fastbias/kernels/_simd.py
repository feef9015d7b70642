"""The row dot product in explicit SIMD, with the grouping of :func:`~fastbias.kernels.neuron.strided_dot`.

``strided_dot`` defines the sum: partial sum q (q = 0..7) takes the terms
j = q (mod 8) of the first 8 floor(d/8) columns, the remaining columns go to
partial sum 0 in order, and the result is ((s0 + s4) + (s1 + s5)) +
((s2 + s6) + (s3 + s7)). Written as eight scalar chains, LLVM keeps them
scalar: its loop vectoriser needs ``reassoc`` to touch a reduction, and its
SLP vectoriser finds no seed in a loop-carried bundle of sums (measured: n =
1000, d = 50, the dot was two thirds of a GD step). ``fastmath`` would
vectorise it, but in an order LLVM chooses.

This intrinsic emits the same eight chains as two ``<4 x double>``
accumulators (lanes 0-3 and 4-7): the vector multiply and add are the IEEE
operations of the scalar code lane by lane, with no contraction into FMA, so
the bits equal ``strided_dot(w, 0, 1, X, i)`` exactly, and the tests check
that. Arrays that are not C-contiguous take the scalar definition.
"""

from __future__ import annotations

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

_F64 = ir.DoubleType()
_V4 = ir.VectorType(_F64, 4)


def _load4(builder: ir.IRBuilder, base: ir.Value, j: ir.Value) -> ir.Value:
    ptr = builder.bitcast(builder.gep(base, [j]), _V4.as_pointer())
    return builder.load(ptr, align=8)


@intrinsic
def simd_row_dot(typingctx, w, X, i):
    """w . X[i] over d = X.shape[1] columns, grouped as ``strided_dot`` (no bounds checks)."""
    if not (isinstance(w, types.Array) and isinstance(X, types.Array) and w.ndim == 1 and X.ndim == 2
            and w.dtype == types.float64 and X.dtype == types.float64 and isinstance(i, types.Integer)):
        return None
    sig = types.float64(w, X, i)
    contiguous = w.layout == "C" and X.layout == "C"

    def codegen(context, builder, signature, args):
        if not contiguous:
            from fastbias.kernels.neuron import strided_dot

            return context.compile_internal(
                builder, lambda w, X, i: strided_dot(w, 0, 1, X, i), signature, args)
        wa = context.make_array(signature.args[0])(context, builder, args[0])
        xa = context.make_array(signature.args[1])(context, builder, args[1])
        i64 = ir.IntType(64)
        row = context.cast(builder, args[2], signature.args[2], types.int64)
        d = builder.extract_value(xa.shape, 1)
        xrow = builder.gep(xa.data, [builder.mul(row, d)])
        wp = wa.data
        zero = ir.Constant(_V4, [0.0] * 4)
        lo = cgutils.alloca_once_value(builder, zero)
        hi = cgutils.alloca_once_value(builder, zero)
        nb = builder.udiv(d, ir.Constant(i64, 8))
        with cgutils.for_range(builder, nb) as loop:
            j = builder.mul(loop.index, ir.Constant(i64, 8))
            j4 = builder.add(j, ir.Constant(i64, 4))
            plo = builder.fmul(_load4(builder, wp, j), _load4(builder, xrow, j))
            phi = builder.fmul(_load4(builder, wp, j4), _load4(builder, xrow, j4))
            builder.store(builder.fadd(builder.load(lo), plo), lo)
            builder.store(builder.fadd(builder.load(hi), phi), hi)
        acc_lo = builder.load(lo)
        acc_hi = builder.load(hi)
        s0 = cgutils.alloca_once_value(builder, builder.extract_element(acc_lo, ir.Constant(i64, 0)))
        tail = builder.sub(d, builder.mul(nb, ir.Constant(i64, 8)))
        with cgutils.for_range(builder, tail) as loop:
            j = builder.add(builder.mul(nb, ir.Constant(i64, 8)), loop.index)
            term = builder.fmul(builder.load(builder.gep(wp, [j])), builder.load(builder.gep(xrow, [j])))
            builder.store(builder.fadd(builder.load(s0), term), s0)
        first = builder.load(s0)
        acc_lo = builder.insert_element(acc_lo, first, ir.Constant(i64, 0))
        pair = builder.fadd(acc_lo, acc_hi)  # (s0+s4, s1+s5, s2+s6, s3+s7)
        lane = [builder.extract_element(pair, ir.Constant(i64, q)) for q in range(4)]
        tree = builder.fadd(builder.fadd(lane[0], lane[1]), builder.fadd(lane[2], lane[3]))
        # Below d = 8 the definition is the in-order sum itself, with no tree after it.
        short = builder.icmp_unsigned("==", nb, ir.Constant(i64, 0))
        return builder.select(short, first, tree)

    return sig, codegen
