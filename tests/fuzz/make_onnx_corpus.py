#!/usr/bin/python3
"""make_onnx_corpus.py - writes the seed corpus of fuzz_onnx (tests/fuzz/corpus/fuzz_onnx/):
small ONNX models in the convention of docs/onnx.md, one per branch of the loader (conv,
pool, Gemm, MatMul, each stage, Dropout, raw_data, metadata) plus a few refusals.  Seeds
stay far below the fuzzer's -max_len (65536).  Deterministic: same bytes every run.

  usage: tests/fuzz/make_onnx_corpus.py   (python3-onnx, Debian)
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_onnx")


def pm1(shape, seed):
    rng = np.random.default_rng(seed)
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0).astype(np.float32)


def model(name, c, h, w, layers, meta=None, raw=True, opset=13):
    """layers: list of (kind, dict) with kind conv/pool/flatten/fc/matmul."""
    nodes, inits = [], []
    cur = ["input"]

    def init(n, arr):
        arr = np.asarray(arr, dtype=np.float32)
        if raw:
            inits.append(numpy_helper.from_array(arr, n))
        else:
            inits.append(helper.make_tensor(n, TensorProto.FLOAT, arr.shape, arr.flatten().tolist()))
        return n

    def add(op, n, ins, domain="", **attrs):
        nodes.append(helper.make_node(op, [cur[0]] + ins, [n + "_out"], name=n, domain=domain,
                                      **attrs))
        cur[0] = n + "_out"

    add("Binarize", "in_sign", [], domain="ai.neuspin", threshold=0.5)
    ch, hh, ww = c, h, w
    for i, (kind, a) in enumerate(layers):
        n = "%s%d" % (kind, i)
        last = i == len(layers) - 1
        if kind == "pool":
            add("MaxPool", n, [], kernel_shape=[a["k"], a["k"]], strides=[a["k"], a["k"]])
            hh, ww = (hh - a["k"]) // a["k"] + 1, (ww - a["k"]) // a["k"] + 1
            continue
        if kind == "flatten":
            add("Flatten", n, [], axis=1)
            ch, hh, ww = ch * hh * ww, 1, 1
            continue
        if a.get("p"):
            add("Dropout", n + "_drop", [init(n + "_ratio", np.float32(a["p"]))])
        cout = a["cout"]
        if kind == "conv":
            k, pad = a["k"], a.get("pad", 0)
            add("Conv", n, [init(n + "_W", pm1((cout, ch, k, k), i))], kernel_shape=[k, k],
                pads=[pad] * 4, strides=[1, 1])
            hh, ww = hh + 2 * pad - k + 1, ww + 2 * pad - k + 1
        elif kind == "fc":
            add("Gemm", n, [init(n + "_W", pm1((cout, ch), i))], transB=1)
        else:
            add("MatMul", n, [init(n + "_W", pm1((ch, cout), i))])
        ones, zeros = np.ones(cout), np.zeros(cout)
        st = a.get("stage")
        if st == "scale":
            add("ScaleDropout", n + "_stage", [init(n + "_alpha", ones * 1.1)],
                domain="ai.neuspin", ratio=0.2)
        elif st == "affine":
            add("AffineDropout", n + "_stage", [init(n + "_g", ones), init(n + "_b", zeros)],
                domain="ai.neuspin", ratio=0.2)
        elif st == "vi":
            add("ScaleVI", n + "_stage", [init(n + "_mu", ones), init(n + "_sd", ones * 0.05)],
                domain="ai.neuspin", sample_bits=16)
        if not a.get("no_bn"):
            add("BatchNormalization", n + "_bn",
                [init(n + "_s", ones * 0.5), init(n + "_B", zeros + 0.25),
                 init(n + "_m", zeros + 1), init(n + "_v", ones * 3)], epsilon=1e-5)
        if not last:
            add("Binarize", n + "_sign", [], domain="ai.neuspin", threshold=0.0)
        ch = cout
    nodes[-1].output[0] = "logits"
    g = helper.make_graph(nodes, name,
                          [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                                         ["N", c, h, w])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                                         ["N", ch])],
                          initializer=inits)
    m = helper.make_model(g, producer_name="neuspin-fuzz-corpus",
                          opset_imports=[helper.make_opsetid("", opset),
                                         helper.make_opsetid("ai.neuspin", 1)])
    m.ir_version = 7
    helper.set_model_props(m, meta or {"neuspin.scheme": "spindrop",
                                       "neuspin.mc_samples": "20",
                                       "neuspin.accuracy": "0.9"})
    return m.SerializeToString()


def main():
    os.makedirs(OUT, exist_ok=True)
    lenet_small = [("conv", {"cout": 4, "k": 3}), ("pool", {"k": 2}),
                   ("conv", {"cout": 8, "k": 3, "p": 0.1}), ("pool", {"k": 2}),
                   ("flatten", {}), ("fc", {"cout": 16, "p": 0.1}), ("fc", {"cout": 10})]
    seeds = {
        "lenet_small.onnx": model("lenet-small", 1, 14, 14, lenet_small),
        "lenet_small_float_data.onnx": model("lenet-small", 1, 14, 14, lenet_small, raw=False),
        "padded_conv.onnx": model("pad", 2, 6, 6, [("conv", {"cout": 3, "k": 3, "pad": 1}),
                                                   ("flatten", {}), ("fc", {"cout": 4})]),
        "matmul.onnx": model("mm", 1, 4, 4, [("flatten", {}), ("matmul", {"cout": 5}),
                                             ("matmul", {"cout": 3, "no_bn": True})]),
        "scaledrop.onnx": model("sd", 1, 6, 6, [("conv", {"cout": 2, "k": 3, "stage": "scale"}),
                                                ("flatten", {}),
                                                ("fc", {"cout": 3, "stage": "scale"})],
                                {"neuspin.scheme": "scaledrop"}),
        "affine.onnx": model("af", 1, 4, 4, [("flatten", {}), ("fc", {"cout": 6, "stage": "affine"}),
                                             ("fc", {"cout": 2, "stage": "affine"})],
                             {"neuspin.scheme": "affine_dropout"}),
        "subset_vi.onnx": model("vi", 1, 4, 4, [("flatten", {}), ("fc", {"cout": 6, "stage": "vi"}),
                                                ("fc", {"cout": 2})],
                                {"neuspin.scheme": "subset_vi", "neuspin.mc_samples": "8"}),
        "bad_opset.onnx": model("old", 1, 4, 4, [("flatten", {}), ("fc", {"cout": 2})], opset=11),
        "bad_scheme.onnx": model("bs", 1, 4, 4, [("flatten", {}), ("fc", {"cout": 2})],
                                 {"neuspin.scheme": "unknown"}),
    }
    # wire-format edge cases: a length past the end; 41 levels of GraphProto.node ->
    # NodeProto.attribute -> AttributeProto.g (deeper than WL_ONNX_DEPTH_MAX)
    seeds["cut_length.bin"] = bytes([0x3a, 0x05, 0x0a, 0x00])
    deep = b""
    for lvl in range(40):
        deep = bytes([(0x0a, 0x2a, 0x32)[(39 - lvl) % 3], len(deep)]) + deep
    seeds["deep_nesting.bin"] = bytes([0x3a, len(deep)]) + deep
    for name, data in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print("%s: %d bytes" % (name, len(data)))


if __name__ == "__main__":
    main()
