"""The torch side of test/targets/pytorch-pixelcnnpp.test.ts: for each case (a whole-pixel likelihood and
random parameters of one pixel), the exact probabilities of all K^C pixel values from log_prob, their sum,
and a chi-square statistic of `draws` samples of the likelihood's sampler against them."""
import itertools
import json
import sys

import torch

req = json.load(sys.stdin)
sys.path.insert(0, req["support"])
from flowc_torch import likelihoods as L  # noqa: E402

torch.set_num_threads(1)
out = []
for i, case in enumerate(req["cases"]):
    C, K = case["C"], case["K"]
    base = L.likelihood(case["kind"], **case.get("args", {}))
    lik = L.pixel_likelihood(base, C)
    g = torch.Generator().manual_seed(100 + i)
    params = torch.randn(1, lik.P, generator=g, dtype=torch.float64) * 1.5
    values = torch.tensor(list(itertools.product(range(K), repeat=C)), dtype=torch.float64)   # [K^C, C]
    lp = lik.log_prob(params.expand(len(values), -1).unsqueeze(1), values.unsqueeze(2))[:, 0]
    p = lp.exp()
    n = req["draws"]
    drawn = lik.sample(params.expand(n, -1), 1.0, g)                                           # [n, C]
    index = (drawn.long() * torch.tensor([K ** (C - 1 - c) for c in range(C)])).sum(1)
    counts = torch.bincount(index, minlength=len(values)).double()
    expected = n * p
    keep = expected >= 5                        # cells too rare for the statistic are pooled
    obs = torch.cat([counts[keep], counts[~keep].sum().view(1)])
    exp = torch.cat([expected[keep], expected[~keep].sum().view(1)])
    if exp[-1] < 5:
        obs, exp = obs[:-1], exp[:-1]
    chi2 = float(((obs - exp) ** 2 / exp).sum())
    out.append({"total": float(p.sum()), "chi2": chi2, "dof": int(len(obs)) - 1})
print(json.dumps(out))
