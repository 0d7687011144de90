"""flowc_torch: the PyTorch implementations of flowc's FlowIR layers, nets and priors.

`flowc compile SPEC --target pytorch -o DIR` copies this package into DIR beside the generated
model.py, so DIR runs with PyTorch alone (1.13 or newer). Parameter names are the TensorFlow.js
runtime's variable names, and checkpoints use flowc's own format (ckpt.py), so weights move between
the two engines one to one.
"""
