"""The flow model: the layers in the density direction (data → latent), the split-off parts and the
final tensor collected into one flattened latent z = [out_1, ..., out_k, final] ((H, W, C) order, as
the tfjs runtime lays it out) scored by the prior. log_prob(x) = log p(z) + Σ log-dets.

Layers are registered under their FlowIR ids (`flow.3.coupling`), so every parameter's name in
state_dict() is the tfjs runtime's variable name (`flow.3.coupling.net.0.W`)."""
import math

import torch
from torch import nn

from .common import flat_latent, unflat_latent


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

    def __init__(self, name, data_shape, layers, prior, final_shape):
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

    def forward(self, x):
        """density direction: (z [N, latent], Σ log-det [N])"""
        h = x.to(self.dtype())
        ld = None
        outs = []
        for m in self.chain:
            h, l, out = m(h)
            ld = l if ld is None else ld + l
            if out is not None:
                outs.append(out)
        if ld is None:
            ld = h.new_zeros(h.shape[0])
        outs.append(flat_latent(h))
        return (torch.cat(outs, 1) if len(outs) > 1 else outs[0]), ld

    def inverse(self, z):
        """sampling direction: (x, Σ log-det [N])"""
        n = z.shape[0]
        start = self.latent_size - math.prod(self.final_shape)
        h = unflat_latent(z[:, start:], self.final_shape)
        offsets, off = [], 0
        for m in self.chain:
            offsets.append(off if m.out_size else -1)
            off += m.out_size
        ld = z.new_zeros(n)
        for m, o in zip(reversed(self.chain), reversed(offsets)):
            h, l = m.inverse(h, z[:, o:o + m.out_size] if o >= 0 else None)
            ld = ld + l
        return h, ld

    def log_prob(self, x):
        z, ld = self.forward(x)
        return self.prior.log_prob(z) + ld

    def loss(self, x):
        return -self.log_prob(x).mean()

    @torch.no_grad()
    def sample(self, n, temperature=1.0, generator=None):
        return self.inverse(self.prior.sample(n, temperature, generator).to(self.dtype()))[0]

    def trace(self, x):
        """the density direction layer by layer: (id, output, log-det) per layer"""
        h = x.to(self.dtype())
        for i, m in zip(self.ids, self.chain):
            h, l, _ = m(h)
            yield i, h, l

    def dtype(self):
        for p in self.parameters():
            return p.dtype
        return torch.float32
