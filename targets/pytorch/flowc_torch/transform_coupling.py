"""Couplings with a non-affine elementwise transform (runtime/bijectors/transform-coupling.ts):
logistic_mixture (Flow++) and spline (Neural Spline Flows). Mask b (1 = passes through and conditions):
y_b = x_b, y_i = T(x_i; p_i(x_b)) for i ∉ b, log-det Σ_{i∉b} log T′(x_i), T from transforms.py.
The conditioner emits P values per transformed element, element-major (channel i·P + j is parameter j
of element i). A channel-wise mask on images: the net sees the conditioning channels only and emits P per
transformed channel; any other mask: the net sees x⊙b and emits P per channel (vectors: per entry).
A conditioning context (context.py) is joined to the conditioner's input."""
import torch

from .bijectors import Layer, channel_parts
from .common import sum_except_batch
from .context import context_for
from .transforms import make_transform


class TransformCoupling(Layer):
    def __init__(self, shape, mask, type, net, scale="tanh", k=None, bins=None, bound=None, context=None):
        super().__init__()
        self.transform = make_transform(type, scale, k=k, bins=bins, bound=bound)
        m = torch.tensor(mask, dtype=torch.float32).reshape(shape)
        self.context = context_for("coupling", context, shape)
        extra = self.context.extra if self.context else 0
        self.a, self.b = channel_parts(m)
        P = self.transform.P
        if self.a is not None:
            self.net = net([len(self.a) + extra, *shape[1:]], P * len(self.b))
        else:
            self.register_buffer("mask", m.bool(), persistent=False)
            self.net = net([shape[0] + extra, *shape[1:]], P * shape[0])

    def _params(self, cond, ctx):
        """the conditioner's outputs as [N, n, (H, W,) P]"""
        o = self.net(self.context.join(cond, ctx) if self.context else cond)
        P = self.transform.P
        if o.dim() == 2:
            return o.reshape(o.shape[0], -1, P)
        n, c, h, w = o.shape
        return o.reshape(n, c // P, P, h, w).permute(0, 1, 3, 4, 2)

    def _run(self, v, direction, ctx):
        t = getattr(self.transform, direction)
        if self.a is not None:
            va = v[:, self.a]
            out, ld = t(v[:, self.b], self._params(va, ctx))
            y = v.clone()
            y[:, self.b] = out
            return y, sum_except_batch(ld)
        out, ld = t(v, self._params(v * self.mask, ctx))
        return torch.where(self.mask, v, out), sum_except_batch(torch.where(self.mask, torch.zeros_like(ld), ld))

    def forward(self, x, ctx=None):
        y, ld = self._run(x, "forward", ctx)
        return y, ld, None

    def inverse(self, y, out=None, ctx=None):
        return self._run(y, "inverse", ctx)
