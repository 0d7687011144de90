"""Categorical encoding (Lippe & Gavves 2021; runtime/bijectors/dequantize-categorical.ts), one logistic
per category (k = 1, no context net), on vector data. Each element xᵢ ∈ 0..K−1 becomes zᵢ ∈ ℝᵈ,
z = μ_{xᵢ} + s_{xᵢ}·logit(u), u ~ U(0, 1)ᵈ. The decoder is Bayes' rule over the K components with learned
log-priors: log p(xᵢ|zᵢ) = log q(zᵢ|xᵢ) + log π(xᵢ) − logsumexp_c [log q(zᵢ|c) + log π(c)].
The log-det is Σᵢ [log p(xᵢ|zᵢ) − log q(zᵢ|xᵢ)], so the flow's log-density is the bound
E_q[log p(x|z) + log p(z) − log q(z|x)].
Element e's coordinates are at e·d + j. Inverse (sampling): x = argmax_c p(c|z).
`noise` (u [N·E, d]) fixes the draw, for tests and evaluation."""
import math

import torch
from torch import nn
import torch.nn.functional as F

from .bijectors import Layer
from .flow import FlowModel


def _log_logistic(z, mu, ls):
    t = (z - mu) * torch.exp(-ls)
    return F.logsigmoid(t) + F.logsigmoid(-t) - ls


class CategoricalDequantize(Layer):
    def __init__(self, shape, K, dim=4):
        super().__init__()
        self.K, self.d, self.E = K, dim, 1
        for s in shape:
            self.E *= s
        self.noise = None
        self.enc = nn.Module()
        self.enc.mu = nn.Parameter(torch.randn(K, dim))
        self.enc.log_scale = nn.Parameter(torch.full((K, dim), -2.0))
        self.prior_logits = nn.Parameter(torch.zeros(K))

    def log_posterior(self, z):
        """log p(c|z) for every category: z [R, d] → [R, K]"""
        lq = _log_logistic(z.unsqueeze(1), self.enc.mu, self.enc.log_scale).sum(2)
        return torch.log_softmax(lq + torch.log_softmax(self.prior_logits, 0), 1)

    def forward(self, x):
        n = x.shape[0]
        idx = torch.clamp(torch.round(x), 0, self.K - 1).long().reshape(-1)
        mu, ls = self.enc.mu[idx], self.enc.log_scale[idx]
        u = torch.rand(idx.shape[0], self.d) if self.noise is None else self.noise
        u = u.to(mu).clamp(1e-6, 1 - 1e-6)
        z = mu + torch.exp(ls) * (torch.log(u) - torch.log1p(-u))
        logq = _log_logistic(z, mu, ls).sum(1)
        logp = self.log_posterior(z).gather(1, idx.unsqueeze(1)).squeeze(1)
        return z.reshape(n, self.E * self.d), (logp - logq).reshape(n, self.E).sum(1), None

    def inverse(self, y, out=None):
        n = y.shape[0]
        post = self.log_posterior(y.reshape(-1, self.d))
        x = post.argmax(1)
        logp = post.gather(1, x.unsqueeze(1)).squeeze(1)
        return x.to(y.dtype).reshape(n, self.E), -logp.reshape(n, self.E).sum(1)


class CategoricalFlowModel(FlowModel):
    """a flow on a categorical encoding (runtime/categorical-flow.ts): one draw z ~ q(z|x) gives the bound
    log p(x|z) + log p_flow(z) − log q(z|x) ≤ log P(x), which training maximizes; log_prob is the
    importance-weighted estimate log (1/S) Σ_s exp(bound_s) over S draws (Burda et al. 2016)."""

    def __init__(self, *args, iw_samples=100, **kw):
        super().__init__(*args, **kw)
        self.iw_samples = iw_samples

    def bound(self, x):
        return super().log_prob(x)

    def elbo(self, x):
        return self.bound(x)

    def loss(self, x):
        return -self.bound(x).mean()

    def log_prob(self, x, k=None):
        """S = k draws per example (default iw_samples); the encoder's `noise`, when set, holds all S·N draws"""
        k = k or self.iw_samples
        n = x.shape[0]
        lw = self.bound(x.repeat(k, *[1] * (x.dim() - 1))).reshape(k, n)
        return torch.logsumexp(lw, 0) - math.log(k)
