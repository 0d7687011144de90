"""The torch side of test/targets/pytorch-conditioned-flow.test.ts: a `condition y` flow's log p(x | y),
inverse(forward(x, y), y), x from a given latent and y, samples of one class, and the messages for a bad or
missing y. Reads a JSON request on stdin, prints JSON."""
import json
import sys

import torch

torch.set_num_threads(1)
req = json.load(sys.stdin)
sys.path.insert(0, req["dir"])
import model  # noqa: E402

m = model.load().double()
x = torch.tensor(req["x"], dtype=torch.float64)
y = req["y"]
if req.get("noise") is not None:          # a uniform dequantization's draw: tfjs's
    m.chain[0].noise = torch.tensor(req["noise"], dtype=torch.float64)
out = {}
with torch.no_grad():
    out["log_prob"] = m.log_prob(x, y).tolist()
    z, _ = m.forward(x, y)
    out["roundtrip_err"] = float((m.inverse(z, y)[0] - x).abs().max())
    # layer by layer after a leading dequantization (not invertible): the inverse's log-dets cancel the forward's
    ctx, chain, h = m.context(y, len(x)), m.chain, x
    if chain[0].__class__.__name__ == "Dequantize":
        h, chain = chain[0](x)[0], chain[1:]
    start, ld, outs = h, 0, []
    for layer in chain:
        h, lf, o = layer(h, **m._kw(layer, ctx))
        ld, outs = ld + lf, outs + [o]
    for layer, o in zip(reversed(chain), reversed(outs)):
        h, li = layer.inverse(h, o, **m._kw(layer, ctx))
        ld = ld + li
    out["layers_roundtrip_err"] = float((h - start).abs().max())
    out["logdet_err"] = float(ld.abs().max())
    out["inverse"] = m.inverse(torch.tensor(req["z"], dtype=torch.float64), req["z_y"])[0].flatten().tolist()
    s = m.sample(3, generator=torch.Generator().manual_seed(0), y=req["sample_y"])
    out["sample_shape"] = list(s.shape)
    # a different condition gives a different density: y is read
    out["log_prob_other"] = m.log_prob(x, req["other_y"]).tolist()
    for key, call in (("bad_y", lambda: m.log_prob(x, req["bad_y"])), ("no_y", lambda: m.log_prob(x))):
        try:
            call()
        except ValueError as e:
            out[key] = str(e)
print(json.dumps(out))
