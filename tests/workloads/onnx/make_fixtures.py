#!/usr/bin/python3
"""make_fixtures.py - writes the tiny hand-checkable ONNX files the C loader's tests read
(docs/onnx.md's convention; README.md beside this script works each one out by hand).

  usage: tests/workloads/onnx/make_fixtures.py [OUTDIR]   (default: this script's folder)

Every value is chosen so that batch norm folds exactly in binary floating point
(var + epsilon is a perfect square).  Output is byte-identical from run to run.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Graph:
    """A chain of nodes: each reads the previous node's output (or `src`)."""

    def __init__(self, in_shape):
        self.nodes, self.inits, self.cur = [], [], "input"
        self.in_shape = in_shape

    def init(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr, dtype=np.float32), name))
        return name

    def add(self, op, name, inputs=(), domain="", src=None, **attrs):
        out = name + "_out"
        first = self.cur if src is None else src
        self.nodes.append(helper.make_node(op, [first] + list(inputs), [out], name=name,
                                           domain=domain, **attrs))
        self.cur = out
        return self

    def binarize(self, name, thr):
        return self.add("Binarize", name, domain="ai.neuspin", threshold=float(thr))

    def bn(self, name, scale, b, mean, var, eps):
        return self.add("BatchNormalization", name,
                        [self.init(name + "_scale", scale), self.init(name + "_B", b),
                         self.init(name + "_mean", mean), self.init(name + "_var", var)],
                        epsilon=float(eps))

    def model(self, classes, scheme="none"):
        self.nodes[-1].output[0] = "logits"
        g = helper.make_graph(
            self.nodes, "fixture",
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, self.in_shape)],
            [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, classes])],
            initializer=self.inits)
        m = helper.make_model(g, producer_name="neuspin-fixtures", producer_version="1",
                              opset_imports=[helper.make_opsetid("", 13),
                                             helper.make_opsetid("ai.neuspin", 1)])
        m.ir_version = 7
        helper.set_model_props(m, {"neuspin.scheme": scheme, "neuspin.mc_samples": "20",
                                   "neuspin.dataset": "fixture", "neuspin.train_seed": "0"})
        onnx.checker.check_model(m)
        return m


CONV_W = [[[[1, -1], [-1, 1]]]]  # [1, 1, 2, 2]


def conv_fc(bias=False, weight=None, pool_pads=None):
    """3x3 input -> Binarize 0.5 -> conv1 (1@2x2) -> BN -> Binarize -> Flatten -> fc1 (2)
    -> BN -> logits.  Variants make the bad files."""
    g = Graph([1, 1, 3, 3]).binarize("input_sign", 0.5)
    w = g.init("conv1_W", CONV_W if weight is None else weight)
    ins = [w] + ([g.init("conv1_bias", [0.0])] if bias else [])
    g.add("Conv", "conv1", ins, kernel_shape=[2, 2], pads=[0, 0, 0, 0], strides=[1, 1])
    g.bn("conv1_bn", [2.0], [-1.0], [0.5], [3.0], 1.0)  # bn_scale 1, bn_bias -1.5
    g.binarize("conv1_sign", 0.0)
    if pool_pads is not None:
        g.add("MaxPool", "pool1", kernel_shape=[2, 2], strides=[2, 2], pads=pool_pads)
    g.add("Flatten", "flatten", axis=1)
    g.add("Gemm", "fc1", [g.init("fc1_W", [[1, 1, 1, 1], [1, -1, -1, 1]])], transB=1)
    g.bn("fc1_bn", [1.0, 0.5], [0.5, -1.0], [0.0, 0.0], [0.75, 0.75], 0.25)
    return g.model(2)


def fc(relu=False, broken_chain=False):
    """2x2 input -> Binarize -> Flatten -> fc1 (3) -> BN -> Binarize -> Dropout 0.25 ->
    fc2 (2) -> BN -> logits."""
    g = Graph([1, 1, 2, 2]).binarize("input_sign", 0.5)
    g.add("Flatten", "flatten", axis=1)
    g.add("Gemm", "fc1", [g.init("fc1_W", [[1, 1, 1, 1], [1, -1, 1, -1], [-1, -1, 1, 1]])],
          transB=1)
    g.bn("fc1_bn", [1.0, 1.0, 1.0], [-1.0, 0.0, 3.0], [0.0, 0.0, 0.0], [0.75] * 3, 0.25)
    if relu:
        g.add("Relu", "fc1_relu")
    else:
        g.binarize("fc1_sign", 0.0)
    g.add("Dropout", "fc2_drop", [g.init("fc2_ratio", np.float32(0.25))])
    g.add("Gemm", "fc2", [g.init("fc2_W", [[1, 1, 1], [1, 1, -1]])], transB=1,
          src="fc1_out" if broken_chain else None)
    g.bn("fc2_bn", [0.75, 1.5], [0.0, 0.5], [0.0, 0.0], [0.75, 0.75], 0.25)
    return g.model(2, "mc_dropout")


def stage(kind):
    """2x2 input -> Binarize -> Flatten -> fc1 (2) -> stage -> BN (identity) -> logits."""
    g = Graph([1, 1, 2, 2]).binarize("input_sign", 0.5)
    g.add("Flatten", "flatten", axis=1)
    g.add("Gemm", "fc1", [g.init("fc1_W", [[1, 1, 1, 1], [-1, -1, 1, -1]])], transB=1)
    scheme = {"scale": "scaledrop", "affine": "affine_dropout", "vi": "subset_vi"}[kind]
    if kind == "scale":
        g.add("ScaleDropout", "fc1_stage", [g.init("fc1_alpha", [2.0, 0.5])],
              domain="ai.neuspin", ratio=0.2)
    elif kind == "affine":
        g.add("AffineDropout", "fc1_stage",
              [g.init("fc1_gamma", [2.0, 0.5]), g.init("fc1_beta", [1.0, -1.0])],
              domain="ai.neuspin", ratio=0.2)
    else:
        g.add("ScaleVI", "fc1_stage",
              [g.init("fc1_mu", [2.0, 0.5]), g.init("fc1_sigma", [0.5, 0.25])],
              domain="ai.neuspin", sample_bits=16)
    g.bn("fc1_bn", [1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [0.75, 0.75], 0.25)
    return g.model(2, scheme)


def main(argv):
    out = argv[0] if argv else os.path.dirname(os.path.abspath(__file__))
    if not os.path.isdir(out):
        print("make_fixtures.py: error: %s is not a directory" % out, file=sys.stderr)
        return 2
    files = {
        "conv_fc.onnx": conv_fc(),
        "fc.onnx": fc(),
        "stage_scale.onnx": stage("scale"),
        "stage_affine.onnx": stage("affine"),
        "stage_vi.onnx": stage("vi"),
        "bad_conv_bias.onnx": conv_fc(bias=True),
        "bad_weight.onnx": conv_fc(weight=[[[[1, -1], [0.5, 1]]]]),
        "bad_unknown_op.onnx": fc(relu=True),
        "bad_maxpool_pads.onnx": conv_fc(pool_pads=[1, 1, 1, 1]),
        "bad_chain.onnx": fc(broken_chain=True),
    }
    for name, m in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(m.SerializeToString())
    # a file cut short: the first 40 bytes of conv_fc.onnx
    with open(os.path.join(out, "bad_truncated.onnx"), "wb") as f:
        f.write(files["conv_fc.onnx"].SerializeToString()[:40])
    print("%d fixtures written to %s" % (len(files) + 1, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
