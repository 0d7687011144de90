"""Fitting an unnormalized 2-D target p(z) ∝ exp(−U(z)) by reverse KL (Rezende & Mohamed 2015, §6.1;
runtime/energy/): z_0 ~ q_0 (the prior), z_K = f_K ∘ … ∘ f_1(z_0) through each layer's inverse
(the layers are listed z_0 first); loss per sample log q_0(z_0) − Σ log|det ∂f_k/∂z_{k−1}| + U(z_K).
log_prob(z) inverts the chain with the planar/radial layers' iterative density direction."""
import math

import torch
from torch import nn

from .flow import _register


def _nlse(a, b):
    return -torch.logsumexp(torch.stack([a, b]), 0)


def energy(name, z):
    """U(z) of the four test energies, z [N, 2] → [N]"""
    z1, z2 = z[:, 0], z[:, 1]
    g = lambda v, s: -0.5 * (v / s) ** 2
    w1 = torch.sin(z1 * (2 * math.pi) / 4)
    if name == "u1":
        r = torch.sqrt(z1 * z1 + z2 * z2)
        return 0.5 * ((r - 2) / 0.4) ** 2 + _nlse(g(z1 - 2, 0.6), g(z1 + 2, 0.6))
    if name == "u2":
        return 0.5 * ((z2 - w1) / 0.4) ** 2
    if name == "u3":
        d = z2 - w1
        return _nlse(g(d, 0.35), g(d + 3 * torch.exp(g(z1 - 1, 0.6)), 0.35))
    if name == "u4":
        d = z2 - w1
        return _nlse(g(d, 0.4), g(d + 3 * torch.sigmoid((z1 - 1) / 0.3), 0.35))
    raise ValueError(f"unknown energy '{name}' (expected u1, u2, u3 or u4)")


class EnergyModel(nn.Module):
    family = "energy"

    def __init__(self, name, target, layers, prior):
        super().__init__()
        self.name, self.target = name, target
        self.data_shape = [prior.size]
        self.ids = [i for i, _ in layers]
        self.chain = [m for _, m in layers]
        for i, m in layers:
            _register(self, i, m)
        self.prior = prior
        self.D = prior.size

    def inverse(self, z0):
        """sampling direction z_0 → z_K, with Σ log|det ∂f_k/∂z_{k−1}|"""
        z, ld = z0, z0.new_zeros(z0.shape[0])
        for m in self.chain:
            z, l = m.inverse(z)
            ld = ld + l
        return z, ld

    def forward(self, x):
        """density direction z_K → z_0, with Σ log|det ∂f_k⁻¹/∂z_k|"""
        z, ld = x.to(self.dtype()), x.new_zeros(x.shape[0], dtype=self.dtype())
        for m in reversed(self.chain):
            z, l, _ = m(z)
            ld = ld + l
        return z, ld

    def log_prob(self, x):
        z, ld = self.forward(x)
        return self.prior.log_prob(z) + ld

    def energy(self, z):
        return energy(self.target, z)

    def loss_n(self, n, generator=None):
        """the mean reverse-KL loss over n fresh base samples"""
        z0 = self.prior.sample(n, 1.0, generator).to(self.dtype())
        z, ld = self.inverse(z0)
        return (self.prior.log_prob(z0) - ld + self.energy(z)).mean()

    @torch.no_grad()
    def sample(self, n, temperature=1.0, generator=None):
        return self.inverse(self.prior.sample(n, temperature, generator).to(self.dtype()))[0]

    def trace(self, z0):
        z = z0
        for i, m in zip(self.ids, self.chain):
            z, l = m.inverse(z)
            yield i, z, l

    def dtype(self):
        for p in self.parameters():
            return p.dtype
        return torch.float32
