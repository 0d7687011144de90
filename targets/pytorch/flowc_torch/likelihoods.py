"""Per-dimension likelihoods of autoregressive models (runtime/likelihoods.ts): the conditional emits
P parameters per data dimension; log_prob turns params [N, D, P] and x [N, D] into log p [N, D]."""
import math

import torch
import torch.nn.functional as F

LOG_2PI = math.log(2 * math.pi)
MIN_LOG_SCALE = -7.0


def logistic_bin_log_prob(x, means, ls, K):
    """log p of bin x [...] under one discretized logistic per mixture component (means, log-scales [..., k])"""
    half = 1 / (K - 1)
    xs = x.unsqueeze(-1) * (2 / (K - 1)) - 1
    c = xs - means
    inv = torch.exp(-ls)
    plus, minus = inv * (c + half), inv * (c - half)
    delta = torch.sigmoid(plus) - torch.sigmoid(minus)
    mid = inv * c
    approx = mid - ls - 2 * F.softplus(mid) + math.log(2 * half)
    inner = torch.where(delta > 1e-5, torch.log(torch.clamp(delta, min=1e-12)), approx)
    return torch.where(xs <= -1 + half / 2, plus - F.softplus(plus),
                       torch.where(xs >= 1 - half / 2, -F.softplus(minus), inner))


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
        k = self.k
        ls = torch.clamp(params[..., 2 * k:], min=MIN_LOG_SCALE)
        lp = logistic_bin_log_prob(x, params[..., k:2 * k], ls, self.K)
        return torch.logsumexp(F.log_softmax(params[..., :k], -1) + lp, -1)

    def sample(self, params, temperature=1.0, generator=None):
        k, K = self.k, self.K
        c = torch.multinomial(F.softmax(params[:, :k].float() / temperature, -1).cpu(), 1, generator=generator)
        c = c.to(params.device)
        mu = params[:, k:2 * k].gather(1, c).squeeze(1)
        s = torch.exp(torch.clamp(params[:, 2 * k:].gather(1, c).squeeze(1), min=MIN_LOG_SCALE))
        u = torch.rand(mu.shape, generator=generator).to(mu).clamp(1e-7, 1 - 1e-7)
        xc = mu + s * temperature * (torch.log(u) - torch.log(1 - u))
        return torch.clamp(torch.round((xc + 1) * (K - 1) / 2), 0, K - 1)


def _pick(logits, u):
    """the component whose softmax interval holds u (runtime/likelihoods.ts softmaxPick): [n, k], [n] → [n]"""
    e = torch.exp(logits - logits.max(-1, keepdim=True).values)
    acc = torch.cumsum(e, -1)
    return torch.clamp((acc <= (u * acc[:, -1]).unsqueeze(1)).sum(1), max=logits.shape[1] - 1)


class JointLogisticMixture:
    """PixelCNN++'s whole-pixel mixture (runtime/ar/pixel-likelihood.ts): one component shared by the
    C channels, channel c's mean μ_c + Σ_{c'<c} tanh(α_{c,c'})·x_{c'} (x in [−1, 1]). Per pixel
    k·(1 + 2C + C(C−1)/2) parameters: logits, C blocks of means, C of log-scales, the coefficients
    (pair (c, c') at block c(c−1)/2 + c')."""

    def __init__(self, k, K, C):
        self.k, self.K, self.C = k, K, C
        self.P = k * (1 + 2 * C + C * (C - 1) // 2)

    def _block(self, params, b):
        return params[..., b * self.k:(b + 1) * self.k]

    def _mean(self, params, c, unit):
        """μ of channel c given the earlier channels' values in [−1, 1] (unit[c'], broadcast over k)"""
        mu = self._block(params, 1 + c)
        for c2 in range(c):
            mu = mu + torch.tanh(self._block(params, 1 + 2 * self.C + c * (c - 1) // 2 + c2)) * unit[c2]
        return mu

    def log_prob(self, params, x):
        """params [N, HW, P], x [N, C, HW] (raw values) → log p of each pixel [N, HW]"""
        K = self.K
        unit = [(x[:, c] * (2 / (K - 1)) - 1).unsqueeze(-1) for c in range(self.C)]
        total = F.log_softmax(self._block(params, 0), -1)
        for c in range(self.C):
            ls = torch.clamp(self._block(params, 1 + self.C + c), min=MIN_LOG_SCALE)
            total = total + logistic_bin_log_prob(x[:, c], self._mean(params, c, unit), ls, K)
        return torch.logsumexp(total, -1)

    def sample(self, params, temperature=1.0, generator=None, uniforms=None):
        """params [n, P] → pixels [n, C]. uniforms [n, 1 + C] (the component's, then each channel's)
        replace the generator's draws; later channels are conditioned on the earlier ones' bin centres."""
        n, K, T = params.shape[0], self.K, temperature
        u = torch.rand(n, 1 + self.C, generator=generator) if uniforms is None else uniforms
        u = u.to(params)
        m = _pick(self._block(params, 0) / T, u[:, 0]).unsqueeze(1)
        out, unit = torch.empty(n, self.C, dtype=params.dtype), []
        for c in range(self.C):
            mu = self._mean(params, c, unit).gather(1, m).squeeze(1)
            ls = torch.clamp(self._block(params, 1 + self.C + c).gather(1, m).squeeze(1), min=MIN_LOG_SCALE)
            uc = u[:, 1 + c].clamp(1e-7, 1 - 1e-7)
            xc = mu + torch.exp(ls) * T * (torch.log(uc) - torch.log(1 - uc))
            out[:, c] = torch.clamp(torch.floor((xc + 1) * (K - 1) / 2 + 0.5), 0, K - 1)
            unit.append((out[:, c] * (2 / (K - 1)) - 1).unsqueeze(1))
        return out


class PixelFactorized:
    """any per-dimension likelihood over whole pixels: channels independent given the earlier pixels,
    C·P parameters per pixel (block c for channel c)"""

    def __init__(self, lik, C):
        self.lik, self.C, self.P = lik, C, C * lik.P

    def log_prob(self, params, x):
        n, hw = params.shape[:2]
        per = params.reshape(n, hw, self.C, self.lik.P).transpose(1, 2).reshape(n, self.C * hw, self.lik.P)
        return self.lik.log_prob(per, x.reshape(n, -1)).reshape(n, self.C, hw).sum(1)

    def sample(self, params, temperature=1.0, generator=None, uniforms=None):
        if uniforms is not None:
            raise ValueError(f"{type(self.lik).__name__} over whole pixels draws from the generator, not fed uniforms")
        P1 = self.lik.P
        cols = [self.lik.sample(params[:, c * P1:(c + 1) * P1], temperature, generator) for c in range(self.C)]
        return torch.stack(cols, 1)


def pixel_likelihood(lik, C):
    """the likelihood of whole pixels of C channels (order raster(channels: joint))"""
    if isinstance(lik, LogisticMixture):
        return JointLogisticMixture(lik.k, lik.K, C)
    return PixelFactorized(lik, C)


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
