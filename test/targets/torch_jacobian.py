"""The log-determinants of a generated package's flow layers against autograd (an independent oracle):
for each example, log|det ∂f/∂x| of the composed layers after a leading dequantization, from the full
Jacobian in float64, next to the summed log-dets the layers report; and the same for the inverse.
Reads {"dir", "x"} as JSON on stdin, prints {"autograd": [...], "reported": [...], "inv_autograd",
"inv_reported"}."""
import json
import sys

import torch

torch.set_num_threads(1)
req = json.load(sys.stdin)
sys.path.insert(0, req["dir"])
import model  # noqa: E402

m = model.load().double()
x = torch.tensor(req["x"], dtype=torch.float64)
chain = m.chain
if chain[0].__class__.__name__.endswith("Dequantize"):
    with torch.no_grad():
        x = chain[0](x)[0]
    chain = chain[1:]


def run(h, inverse):
    ld = h.new_zeros(h.shape[0])
    for layer in (reversed(chain) if inverse else chain):
        h, l, *_ = layer.inverse(h) if inverse else layer(h)
        ld = ld + l
    return h, ld


out = {"autograd": [], "reported": [], "inv_autograd": [], "inv_reported": []}
for i in range(x.shape[0]):
    xi = x[i:i + 1]
    for key, inverse in (("", False), ("inv_", True)):
        f = lambda v: run(v.reshape(xi.shape), inverse)[0].reshape(-1)  # noqa: E731
        J = torch.autograd.functional.jacobian(f, xi.reshape(-1))
        out[key + "autograd"].append(float(torch.linalg.slogdet(J)[1]))
        out[key + "reported"].append(float(run(xi, inverse)[1][0]))
print(json.dumps(out))
