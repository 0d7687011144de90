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
    z, ld = m.forward(x, y)
    back, ld_inv = m.inverse(z, y)
    out["roundtrip_err"] = float((back - x).abs().max())
    out["logdet_err"] = float((ld + ld_inv).abs().max())
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
