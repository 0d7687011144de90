"""The torch side of test/targets/pytorch-equivalence.test.ts: reads a JSON request on stdin
(package dir, inputs), prints the torch model's outputs as JSON."""
import json
import sys

import torch

torch.set_num_threads(1)
req = json.load(sys.stdin)
sys.path.insert(0, req["dir"])
import model  # noqa: E402

m = model.load().double()
x = torch.tensor(req["x"], dtype=torch.float64)
for layer in getattr(m, "chain", []):
    if layer.__class__.__name__.endswith("Dequantize") and req.get("noise") is not None:
        layer.noise = torch.tensor(req["noise"], dtype=torch.float64)
out = {}
if m.family not in ("vae", "autoregressive"):
    with torch.no_grad():
        # a categorical encoding: the one-draw bound here, the importance-weighted estimate below
        out["log_prob"] = (m.bound(x) if hasattr(m, "bound") else m.log_prob(x)).tolist()
        if req.get("iw_noise") is not None:
            m.chain[0].noise = torch.tensor(req["iw_noise"], dtype=torch.float64)
            out["iw"] = m.log_prob(x, k=req["k"]).tolist()
            m.chain[0].noise = torch.tensor(req["noise"], dtype=torch.float64)
if m.family == "vae":
    with torch.no_grad():
        t = lambda k: torch.tensor(req[k], dtype=torch.float64)  # noqa: E731
        # y, zy: a conditional VAE's labels of x and of the latents z
        y, zy = req.get("y"), req.get("zy")
        out["elbo"] = m.elbo(x, y, eps=t("eps")).tolist()
        out["log_prob"] = m.log_prob(x, y, k=req["k"], eps=t("iw_eps")).tolist()
        out["decode"] = m.decode(t("z"), zy).tolist()
        given = {} if req.get("sample_y") is None else {"y": req["sample_y"]}
        s = m.sample(2, generator=torch.Generator().manual_seed(0), **given)
        out["sample_shape"] = list(s.shape)
        if y is not None:
            out["sample_default_shape"] = list(m.sample(3, generator=torch.Generator().manual_seed(0)).shape)
            try:
                m.elbo(x)
            except ValueError as e:
                out["missing_y"] = str(e)
    print(json.dumps(out))
    sys.exit(0)
if m.family == "autoregressive":
    with torch.no_grad():
        # y (a `condition y` model's labels) and member (a MADE ensemble's) only where the model has them
        y, members = req.get("y"), req.get("members") or 1
        out["log_prob"] = (m.log_prob(x) if y is None else m.log_prob(x, y)).tolist()
        params = (lambda k: m.params(x)) if y is None and members == 1 else (lambda k: m.params(x, y, member=k))
        out["params"] = [params(k)[0].tolist() for k in range(members)]
        given = {} if req.get("sample_y") is None else {"y": req["sample_y"]}
        s = m.sample(2, generator=torch.Generator().manual_seed(0), **given)
        if req.get("bad_y") is not None:
            try:
                m.log_prob(x, [req["bad_y"]] * len(x))
            except ValueError as e:
                out["bad_y"] = str(e)
        out["sample_shape"] = list(s.shape)
        out["sample_values"] = sorted(set(float(v) for v in s.flatten().tolist()))[:50]
        if req.get("uniforms") is not None:
            u = torch.tensor(req["uniforms"], dtype=torch.float64)
            out["sample_fed"] = m.sample(u.shape[1], uniforms=u).flatten().tolist()
    print(json.dumps(out))
    sys.exit(0)
with torch.no_grad():
    # inverse(forward(h)) = h over the layers after a leading dequantization (which is not invertible)
    chain, h = m.chain, x
    if chain and chain[0].__class__.__name__.endswith("Dequantize"):
        h, _, _ = chain[0](x)
        chain = chain[1:]
    data, outs = h, []
    for layer in chain:
        h, _, o = layer(h)
        outs.append(o)
    for layer, o in zip(reversed(chain), reversed(outs)):
        h, _ = layer.inverse(h, o)
    out["roundtrip_err"] = float((h - data).abs().max())
    if m.family == "energy":
        out["energy"] = m.energy(x).tolist()
    if req.get("z") is not None:
        out["inverse"] = m.inverse(torch.tensor(req["z"], dtype=torch.float64))[0].tolist()
print(json.dumps(out))
