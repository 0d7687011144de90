"""Per-dimension likelihoods of autoregressive models (runtime/likelihoods.ts): the conditional emits
P parameters per data dimension; log_prob turns params [N, D, P] and x [N, D] into log p [N, D]."""
import math

import torch
import torch.nn.functional as F

LOG_2PI = math.log(2 * math.pi)
MIN_LOG_SCALE = -7.0


class Bernoulli:
    P = 1

    def log_prob(self, params, x):
        l = params[..., 0]
        return x * l - F.softplus(l)

    def sample(self, params, temperature=1.0, generator=None):
        p = torch.sigmoid(params[:, 0] / temperature)
        return (torch.rand(p.shape, generator=generator).to(p) < p).to(p.dtype)


class Categorical:
    def __init__(self, K):
        self.K = self.P = K

    def log_prob(self, params, x):
        return F.log_softmax(params, -1).gather(-1, x.long().unsqueeze(-1)).squeeze(-1)

    def sample(self, params, temperature=1.0, generator=None):
        p = F.softmax(params.float() / temperature, -1).cpu()
        return torch.multinomial(p, 1, generator=generator).squeeze(1).to(params.dtype)


class Gaussian:
    def __init__(self, learned_std):
        self.learned = learned_std
        self.P = 2 if learned_std else 1

    def log_prob(self, params, x):
        mu = params[..., 0]
        ls = params[..., 1] if self.learned else torch.zeros_like(mu)
        z = (x - mu) * torch.exp(-ls)
        return -0.5 * z * z - (ls + 0.5 * LOG_2PI)

    def sample(self, params, temperature=1.0, generator=None):
        sd = torch.exp(params[:, 1]) if self.learned else torch.ones_like(params[:, 0])
        return params[:, 0] + sd * temperature * torch.randn(params.shape[0], generator=generator).to(params)


class LogisticMixture:
    """PixelCNN++'s discretized logistic mixture over K bins (value v ↦ centre 2v/(K−1) − 1)"""

    def __init__(self, k, K):
        self.k, self.K, self.P = k, K, 3 * k

    def log_prob(self, params, x):
        k, K = self.k, self.K
        logits, means, ls = params[..., :k], params[..., k:2 * k], torch.clamp(params[..., 2 * k:], min=MIN_LOG_SCALE)
        half = 1 / (K - 1)
        xs = x.unsqueeze(-1) * (2 / (K - 1)) - 1
        c = xs - means
        inv = torch.exp(-ls)
        plus, minus = inv * (c + half), inv * (c - half)
        delta = torch.sigmoid(plus) - torch.sigmoid(minus)
        mid = inv * c
        approx = mid - ls - 2 * F.softplus(mid) + math.log(2 * half)
        inner = torch.where(delta > 1e-5, torch.log(torch.clamp(delta, min=1e-12)), approx)
        lp = torch.where(xs <= -1 + half / 2, plus - F.softplus(plus),
                         torch.where(xs >= 1 - half / 2, -F.softplus(minus), inner))
        return torch.logsumexp(F.log_softmax(logits, -1) + lp, -1)

    def sample(self, params, temperature=1.0, generator=None):
        k, K = self.k, self.K
        c = torch.multinomial(F.softmax(params[:, :k].float() / temperature, -1).cpu(), 1, generator=generator)
        c = c.to(params.device)
        mu = params[:, k:2 * k].gather(1, c).squeeze(1)
        s = torch.exp(torch.clamp(params[:, 2 * k:].gather(1, c).squeeze(1), min=MIN_LOG_SCALE))
        u = torch.rand(mu.shape, generator=generator).to(mu).clamp(1e-7, 1 - 1e-7)
        xc = mu + s * temperature * (torch.log(u) - torch.log(1 - u))
        return torch.clamp(torch.round((xc + 1) * (K - 1) / 2), 0, K - 1)


def likelihood(kind, **a):
    if kind == "bernoulli":
        return Bernoulli()
    if kind == "categorical":
        return Categorical(a["K"])
    if kind == "gaussian":
        return Gaussian(a.get("learned_std", False))
    if kind == "logistic_mixture":
        return LogisticMixture(a["k"], a["K"])
    raise ValueError(f"unknown likelihood '{kind}'")
