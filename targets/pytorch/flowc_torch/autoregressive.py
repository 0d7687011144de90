"""MAF and IAF with a MADE conditioner giving (μ, α) per dimension (runtime/bijectors/autoregressive.ts).
MAF: density direction closed, z = (x − μ(x))·exp(−α(x)); IAF: sampling direction closed,
x = z·exp(α(z)) + μ(z). The sequential direction runs D passes. Images are flattened channels-first.
context k > 0 (a step of a VAE's amortized posterior): the MADE also reads the encoder's context h [N, k]
after the D inputs (Kingma et al. 2016, §4); every pass takes the same h."""
import torch

from .bijectors import Layer


def made_input(layer, v, h):
    """v ‖ h, the MADE's input of a layer with a context of layer.context entries (v alone without one)"""
    if not layer.context:
        return v
    if h is None:
        raise ValueError(f"{layer.__class__.__name__}: this step reads the encoder's context h; pass ctx")
    if h.dim() != 2 or h.shape[1] != layer.context:
        raise ValueError(f"the context h has shape {list(h.shape[1:])}, the step takes [{layer.context}]")
    return torch.cat([v, h.to(v.dtype)], 1)


class _ArFlow(Layer):
    def __init__(self, shape, net, context=0):
        super().__init__()
        self.D = 1
        for s in shape:
            self.D *= s
        self.context = context
        self.net = net([self.D + context], 2 * self.D)

    def mu_alpha(self, v, h=None):
        return self.net(made_input(self, v, h)).chunk(2, dim=1)

    def flat(self, x):
        return x.reshape(x.shape[0], self.D)


class Maf(_ArFlow):
    def forward(self, x, ctx=None):
        v = self.flat(x)
        mu, a = self.mu_alpha(v, ctx)
        return ((v - mu) * (-a).exp()).reshape(x.shape), -a.sum(1), None

    def inverse(self, y, out=None, ctx=None):
        z = self.flat(y)
        x, a = z.new_zeros(z.shape), z.new_zeros(z.shape)
        for _ in range(self.D):
            mu, a = self.mu_alpha(x, ctx)
            x = z * a.exp() + mu
        return x.reshape(y.shape), a.sum(1)


class Iaf(_ArFlow):
    def forward(self, x, ctx=None):
        v = self.flat(x)
        z = v.new_zeros(v.shape)
        for _ in range(self.D):
            mu, a = self.mu_alpha(z, ctx)
            z = (v - mu) * (-a).exp()
        _, a = self.mu_alpha(z, ctx)
        return z.reshape(x.shape), -a.sum(1), None

    def inverse(self, z, out=None, ctx=None):
        v = self.flat(z)
        mu, a = self.mu_alpha(v, ctx)
        return (v * a.exp() + mu).reshape(z.shape), a.sum(1)
