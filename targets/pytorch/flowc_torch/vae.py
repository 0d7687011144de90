"""A VAE with a normalizing-flow posterior (Rezende & Mohamed 2015; runtime/vae/).

    encoder(x) = [μ, log σ, amortized flow parameters];  z_0 = μ + σ·ε, ε ~ N(0, I)
    z_K = f_K ∘ … ∘ f_1(z_0), each f_k in its sampling direction (the closed one for planar, radial, IAF)
    ELBO(x) = log p(x|z_K) + log p(z_K) − log q_0(z_0|x) + Σ_k log|det ∂f_k/∂z_{k−1}|
    log_prob(x): the importance-weighted estimate with k samples (Burda et al. 2016)
A conditional VAE (`condition y`; Sohn et al. 2015): the encoder reads [x ‖ c] and the decoder [z ‖ c], c the
context of y (context.py: a label's one-hot row, or the real vector); the prior p(z) is unconditional, so the
bounds are on log p(x | y). With `posterior flow(amortized: true, context: k)` the encoder also emits a context
h [N, k] after the flow parameters, an extra input of every iaf, maf and coupling step (Kingma et al. 2016, §4).

Data are flattened to [N, D] (channels-first, as FlowIR declares them). Parameter names are the tfjs
runtime's: `encoder.<l>.W`, `decoder.<l>.W`, the posterior layers by their FlowIR ids."""
import math

import torch
from torch import nn
import torch.nn.functional as F

from .activations import activation, activation_grad
from .context import context_of, sample_context
from .flow import _register

HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class AmortizedPlanar(nn.Module):
    """planar with per-example parameters [N, 2D + 1] (u, w, b) read from the encoder's output"""

    def __init__(self, size, activation="tanh"):
        super().__init__()
        self.D, self.act, self.n_params = size, activation, 2 * size + 1

    def inverse(self, z, raw):
        D = self.D
        u, w, b = raw[:, :D], raw[:, D:2 * D], raw[:, 2 * D]
        m = F.softplus((w * u).sum(1)) - 1
        w2 = torch.clamp((w * w).sum(1), min=1e-12)
        proj = lambda v: ((w * v).sum(1) / w2).unsqueeze(1) * w  # noqa: E731
        u1 = u - proj(u)
        u_hat = u1 - proj(u1) + (m / w2).unsqueeze(1) * w
        wu = (w * u_hat).sum(1)
        pre = (z * w).sum(1) + b
        out = z + u_hat * activation(self.act)(pre).unsqueeze(1)
        return out, torch.log(torch.abs(1 + activation_grad(self.act)(pre) * wu) + 1e-8)


class AmortizedRadial(nn.Module):
    """radial with per-example parameters [N, D + 2] (z₀, α̂, β̂) read from the encoder's output"""

    def __init__(self, size):
        super().__init__()
        self.D, self.n_params = size, size + 2

    def inverse(self, z, raw):
        D = self.D
        z0 = raw[:, :D]
        a = F.softplus(raw[:, D])
        b = -a + F.softplus(raw[:, D + 1])
        d = z - z0
        r = d.norm(dim=1)
        hr = 1 / (a + r)
        out = z + (b * hr).unsqueeze(1) * d
        return out, (D - 1) * torch.log1p(b * hr) + torch.log1p(a * b * hr * hr)


class VaeModel(nn.Module):
    family = "vae"

    def __init__(self, name, data_shape, latent, encoder, decoder, likelihood, prior, posterior, iw_samples=100,
                 context=0, condition=None):
        """encoder/decoder: net factories (nets.mlp); posterior: [(id, layer)] in the sampling order; context: the
        size of the encoder's context h (0: none); condition: FlowIR's `condition` of a conditional VAE"""
        super().__init__()
        self.name = name
        self.data_shape = list(data_shape)
        self.D = math.prod(data_shape)
        self.Dz = latent
        self.likelihood = likelihood
        self.iw_samples = iw_samples
        self.condition = condition
        K = condition["size"] if condition else 0
        self.ids = [i for i, _ in posterior]
        self.steps = [m for _, m in posterior]
        self.offsets, off = [], 2 * latent
        for i, m in posterior:
            n = getattr(m, "n_params", 0)
            self.offsets.append(off if n else -1)
            off += n
            if not n:
                _register(self, i, m)
        self.h_offset, self.H = off, context
        self.encoder = encoder([self.D + K], off + context)
        self.decoder = decoder([latent + K], self.D * likelihood.P)
        self.prior = prior

    def context(self, y, n):
        """the context [n, K] of labels/values y (None for an unconditioned model)"""
        if self.condition is None:
            if y is not None:
                raise ValueError(f"{self.name} is not conditioned (no `condition` declaration); y given")
            return None
        if y is None:
            raise ValueError(f"{self.name} is conditioned on `{self.condition['name']}`: pass y")
        return context_of(self.condition, y, n).to(self.dtype())

    @staticmethod
    def _join(v, c):
        """a net's input [v ‖ c] (v alone without a condition)"""
        return v if c is None else torch.cat([v, c.to(v.dtype)], 1)

    def _steps(self, enc, z):
        """the posterior flow from z_0 on encoder outputs enc: yields (id, z_k, log|det|)"""
        h = enc[:, self.h_offset:self.h_offset + self.H] if self.H else None
        for i, m, o in zip(self.ids, self.steps, self.offsets):
            if o >= 0:
                z, ld = m.inverse(z, enc[:, o:o + m.n_params])
            elif getattr(m, "context", None):              # iaf, maf, coupling reading h
                z, ld = m.inverse(z, None, h)
            else:
                z, ld = m.inverse(z)
            z = z.reshape(z.shape[0], self.Dz)
            yield i, z, ld

    def run_posterior(self, enc, eps):
        """(z_K, log q_0(z_0|x) − Σ log|det|) for encoder outputs enc and noise eps [N, Dz]"""
        Dz = self.Dz
        mu, log_std = enc[:, :Dz], enc[:, Dz:2 * Dz]
        z = mu + log_std.exp() * eps
        log_q = -(0.5 * eps * eps + log_std + HALF_LOG_2PI).sum(1)
        for _, z, ld in self._steps(enc, z):
            log_q = log_q - ld
        return z, log_q

    def log_likelihood(self, xf, z, c=None):
        params = self.decoder(self._join(z, c)).reshape(z.shape[0], self.D, self.likelihood.P)
        return self.likelihood.log_prob(params, xf).sum(1)

    def _flat(self, x):
        return x.reshape(x.shape[0], self.D).to(self.dtype())

    def elbo(self, x, y=None, eps=None, generator=None):
        """the single-sample ELBO per example [N] (a bound on log p(x | y) given y); eps [N, Dz] the
        reparameterization noise (drawn if None)"""
        xf = self._flat(x)
        c = self.context(y, xf.shape[0])
        enc = self.encoder(self._join(xf, c))
        if eps is None:
            eps = torch.randn(xf.shape[0], self.Dz, generator=generator).to(xf)
        z, log_q = self.run_posterior(enc, eps.to(xf))
        return self.log_likelihood(xf, z, c) + self.prior.log_prob(z) - log_q

    def loss(self, x, y=None):
        return -self.elbo(x, y).mean()

    def log_prob(self, x, y=None, k=None, generator=None, eps=None):
        """the k-sample importance-weighted estimate of log p(x) [N] (log p(x | y) given y; k = 1: the ELBO);
        eps [k·N, Dz] the noise, sample-major as the tfjs runtime draws it (drawn if None)"""
        k = k or self.iw_samples
        xf = self._flat(x)
        n = xf.shape[0]
        c = self.context(y, n)
        enc = self.encoder(self._join(xf, c))
        xt, et = xf.repeat(k, 1), enc.repeat(k, 1)
        ct = None if c is None else c.repeat(k, 1)
        if eps is None:
            eps = torch.randn(k * n, self.Dz, generator=generator)
        z, log_q = self.run_posterior(et, eps.to(xf))
        lw = (self.log_likelihood(xt, z, ct) + self.prior.log_prob(z) - log_q).reshape(k, n)
        return torch.logsumexp(lw, 0) - math.log(k)

    def trace(self, x, y=None):
        """one reparameterized pass stage by stage: (name, output, log-det) — encoder, posterior layers, decoder"""
        xf = self._flat(x)
        c = self.context(y, xf.shape[0])
        enc = self.encoder(self._join(xf, c))
        zero = xf.new_zeros(xf.shape[0])
        yield "encoder", enc, zero
        Dz = self.Dz
        z = enc[:, :Dz] + enc[:, Dz:2 * Dz].exp() * torch.randn(xf.shape[0], Dz).to(xf)
        for i, z, ld in self._steps(enc, z):
            yield i, z, ld
        yield "decoder", self.decoder(self._join(z, c)), zero

    def decode(self, z, y=None, ctx=None):
        """the likelihood's parameters [n, D, P] for latents z [n, Dz] (given y, or its context ctx [n, K])"""
        z = z.to(self.dtype())
        c = self.context(y, z.shape[0]) if ctx is None else ctx
        return self.decoder(self._join(z, c)).reshape(z.shape[0], self.D, self.likelihood.P)

    @torch.no_grad()
    def sample(self, n, temperature=1.0, generator=None, y=None):
        """prior latents decoded and drawn from the likelihood, in the data layout. y (a conditional VAE): the
        condition of every sample or of each (default: the classes in turn, as flowc sample)"""
        c = None if self.condition is None else sample_context(self.condition, n, y).to(self.dtype())
        if c is None and y is not None:
            raise ValueError(f"{self.name} is not conditioned (no `condition` declaration); y given")
        z = self.prior.sample(n, temperature, generator).to(self.dtype())
        params = self.decode(z, ctx=c)
        x = self.likelihood.sample(params.reshape(n * self.D, self.likelihood.P), 1.0, generator)
        return x.reshape(n, *self.data_shape)

    def dtype(self):
        for p in self.parameters():
            return p.dtype
        return torch.float32
