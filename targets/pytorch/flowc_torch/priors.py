"""Base densities on the flattened latent z [N, D] (runtime/priors.ts). Temperature T scales every
prior's spread when sampling."""
import math

import torch
from torch import nn
import torch.nn.functional as F

HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class Normal(nn.Module):
    def __init__(self, size, mean=0.0, std=1.0, learned=False):
        super().__init__()
        self.size = size
        if learned:
            self.mean = nn.Parameter(torch.full((size,), float(mean)))
            self.logstd = nn.Parameter(torch.full((size,), math.log(std)))
        else:
            self.register_buffer("mean", torch.full((size,), float(mean)), persistent=False)
            self.register_buffer("logstd", torch.full((size,), math.log(std)), persistent=False)

        self.standard = not learned and mean == 0 and std == 1

    def log_prob(self, z):
        if self.standard:
            return -0.5 * (z * z).sum(1) - self.size * HALF_LOG_2PI
        e = (z - self.mean) * torch.exp(-self.logstd)
        return -(0.5 * e * e + self.logstd + HALF_LOG_2PI).sum(1)

    def sample(self, n, temperature=1.0, generator=None):
        eps = torch.randn(n, self.size, generator=generator).to(self.mean)
        return eps * torch.exp(self.logstd) * temperature + self.mean


def _logistic_noise(shape, generator):
    u = torch.rand(shape, generator=generator).clamp(1e-7, 1 - 1e-7)
    return torch.log(u / (1 - u))


class Logistic(nn.Module):
    def __init__(self, size, loc=0.0, scale=1.0):
        super().__init__()
        self.size, self.loc, self.scale = size, loc, scale

    def log_prob(self, z):
        e = (z - self.loc) / self.scale
        return (-(e + 2 * F.softplus(-e)) - math.log(self.scale)).sum(1)

    def sample(self, n, temperature=1.0, generator=None):
        return self.loc + temperature * self.scale * _logistic_noise((n, self.size), generator)


class Laplace(nn.Module):
    def __init__(self, size, loc=0.0, scale=1.0):
        super().__init__()
        self.size, self.loc, self.scale = size, loc, scale

    def log_prob(self, z):
        return (-(z - self.loc).abs() / self.scale - math.log(2 * self.scale)).sum(1)

    def sample(self, n, temperature=1.0, generator=None):
        u = torch.rand((n, self.size), generator=generator) - 0.5
        return self.loc - temperature * self.scale * torch.sign(u) * torch.log(torch.clamp(1 - 2 * u.abs(), min=1e-12))


class Mixture(nn.Module):
    """per-dimension mixture of k normal or logistic components, all parameters learned"""

    def __init__(self, size, k, component="normal"):
        super().__init__()
        self.size, self.k, self.component = size, k, component
        means = torch.linspace(-1, 1, k) if k > 1 else torch.zeros(1)
        self.logits = nn.Parameter(torch.zeros(size, k))
        self.means = nn.Parameter(means.repeat(size, 1))
        self.logscales = nn.Parameter(torch.zeros(size, k))

    def log_prob(self, z):
        e = (z.unsqueeze(2) - self.means) * torch.exp(-self.logscales)
        if self.component == "normal":
            comp = -(0.5 * e * e + self.logscales + HALF_LOG_2PI)
        else:
            comp = -(e + 2 * F.softplus(-e)) - self.logscales
        return torch.logsumexp(comp + F.log_softmax(self.logits, 1), 2).sum(1)

    def sample(self, n, temperature=1.0, generator=None):
        w = F.softmax(self.logits.detach().float().cpu(), 1)
        j = torch.multinomial(w.repeat(n, 1), 1, generator=generator).view(n, self.size)
        mu = self.means.detach().cpu().gather(1, j.t()).t()
        s = temperature * torch.exp(self.logscales.detach().cpu()).gather(1, j.t()).t()
        if self.component == "normal":
            e = torch.randn((n, self.size), generator=generator)
        else:
            e = _logistic_noise((n, self.size), generator)
        return (mu + s * e).to(self.means)
