"""The flow model: the layers in the density direction (data → latent), the split-off parts and the
final tensor collected into one flattened latent z = [out_1, ..., out_k, final] ((H, W, C) order, as
the tfjs runtime lays it out) scored by the prior. log_prob(x) = log p(z) + Σ log-dets.
A `condition y` flow (p(x | y)) turns y into one context (context.py: a label's one-hot row, or the real
vector) that every layer built with one (the couplings) joins to its conditioner's input.

Layers are registered under their FlowIR ids (`flow.3.coupling`), so every parameter's name in
state_dict() is the tfjs runtime's variable name (`flow.3.coupling.net.0.W`)."""
import math

import torch
from torch import nn

from .common import flat_latent, unflat_latent
from .context import Context, context_of, sample_context


def _register(root, path, module):
    """registers module at the dotted path, creating containers on the way"""
    parts = path.split(".")
    node = root
    for p in parts[:-1]:
        if p not in node._modules:
            node.add_module(p, nn.Module())
        node = node._modules[p]
    node.add_module(parts[-1], module)


class FlowModel(nn.Module):
    family = "flow"

    def __init__(self, name, data_shape, layers, prior, final_shape, condition=None):
        super().__init__()
        self.name = name
        self.data_shape = list(data_shape)
        self.ids = [i for i, _ in layers]
        self.chain = [m for _, m in layers]     # a plain list: the modules are registered by id below
        for i, m in layers:
            _register(self, i, m)
            for j, q in getattr(m, "flow_layers", ()):      # a variational dequantization's flow
                _register(self, j, q)
        self.final_shape = list(final_shape)
        self.latent_size = prior.size
        self.prior = prior
        self.condition = condition

    def context(self, y, n):
        """the context [n, k] of labels/values y (None for an unconditioned model)"""
        if self.condition is None:
            if y is not None:
                raise ValueError(f"{self.name} is not conditioned (no `condition` declaration); y given")
            return None
        if y is None:
            raise ValueError(f"{self.name} is conditioned on `{self.condition['name']}`: pass y")
        return context_of(self.condition, y, n).to(self.dtype())

    @staticmethod
    def _kw(m, ctx):
        """the context argument of layer m: only the layers built with one take it"""
        return {"ctx": ctx} if isinstance(getattr(m, "context", None), Context) else {}

    def forward(self, x, y=None):
        """density direction: (z [N, latent], Σ log-det [N]); y: a conditioned flow's labels/values"""
        h = x.to(self.dtype())
        ctx = self.context(y, x.shape[0])
        ld = None
        outs = []
        for m in self.chain:
            h, l, out = m(h, **self._kw(m, ctx))
            ld = l if ld is None else ld + l
            if out is not None:
                outs.append(out)
        if ld is None:
            ld = h.new_zeros(h.shape[0])
        outs.append(flat_latent(h))
        return (torch.cat(outs, 1) if len(outs) > 1 else outs[0]), ld

    def inverse(self, z, y=None, ctx=None):
        """sampling direction: (x, Σ log-det [N]); y (or its context ctx): a conditioned flow's condition"""
        n = z.shape[0]
        ctx = self.context(y, n) if ctx is None else ctx
        start = self.latent_size - math.prod(self.final_shape)
        h = unflat_latent(z[:, start:], self.final_shape)
        offsets, off = [], 0
        for m in self.chain:
            offsets.append(off if m.out_size else -1)
            off += m.out_size
        ld = z.new_zeros(n)
        for m, o in zip(reversed(self.chain), reversed(offsets)):
            h, l = m.inverse(h, z[:, o:o + m.out_size] if o >= 0 else None, **self._kw(m, ctx))
            ld = ld + l
        return h, ld

    def log_prob(self, x, y=None):
        z, ld = self.forward(x, y)
        return self.prior.log_prob(z) + ld

    def loss(self, x, y=None):
        return -self.log_prob(x, y).mean()

    @torch.no_grad()
    def sample(self, n, temperature=1.0, generator=None, y=None):
        """n draws; y: the condition of every sample or of each (default: the classes in turn, as flowc sample)"""
        ctx = sample_context(self.condition, n, y).to(self.dtype()) if self.condition is not None else None
        if ctx is None and y is not None:
            raise ValueError(f"{self.name} is not conditioned (no `condition` declaration); y given")
        return self.inverse(self.prior.sample(n, temperature, generator).to(self.dtype()), ctx=ctx)[0]

    def trace(self, x, y=None):
        """the density direction layer by layer: (id, output, log-det) per layer"""
        h = x.to(self.dtype())
        ctx = self.context(y, x.shape[0])
        for i, m in zip(self.ids, self.chain):
            h, l, _ = m(h, **self._kw(m, ctx))
            yield i, h, l

    def dtype(self):
        for p in self.parameters():
            return p.dtype
        return torch.float32
