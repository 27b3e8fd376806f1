#!/usr/bin/python3
"""reference.py - an independent numpy interpreter of neuspin's ONNX convention
(docs/onnx.md) for the MEAN network: every dropout mask kept (inverted dropout's
1 / (1 - p) applied), ScaleDropout applies alpha, AffineDropout gamma and beta, ScaleVI
its mean mu.  No torch: the MVMs are integer sums of +-1 products (exact in float32
below 2^24), batch norm is folded in float64 as the C loader folds it.

  usage: scripts/train/reference.py MODEL.onnx [...]   recomputes and checks MODEL.ref.json
         scripts/train/reference.py --write MODEL.onnx  (re)writes the mean-network part

The reference file (<model>.ref.json) holds, for all 10,000 t10k images:
  pred          predicted class of the mean network
  sums_sha256   SHA-256 of the int32 little-endian array [10000, classes] of the last
                crossbar layer's integer pre-stage sums a_c
  sums_first    those sums for the first 64 images, explicit
  labels_sha256 SHA-256 of the uint8 label array [10000]
and, written by train.py from PyTorch (models with dropout), mc_mean_first / mc_T / mc_seed.
"""
import gzip
import hashlib
import json
import os
import struct
import sys

import numpy as np

DATA_DIR = "/usr/share/datasets/fashion-mnist"
BATCH = 250


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[:3] != b"\0\0\x08" or not 1 <= data[3] <= 4:
        raise ValueError("%s: error: not an unsigned-byte IDX file" % path)
    nd = data[3]
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    if len(data) != 4 + 4 * nd + int(np.prod(dims)):
        raise ValueError("%s: error: IDX size does not match its dimensions" % path)
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def load_model(path):
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    inits = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in m.graph.initializer}
    return m, inits


def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            if a.type == a.FLOAT:
                return a.f
            if a.type == a.INT:
                return a.i
            if a.type == a.INTS:
                return list(a.ints)
    return default


def conv_sums(x, w, pad):
    """x [N, C, H, W] in {-1, 0, +1} (0: a dropped or padded input, undriven);
    w [Cout, C, K, K] +-1.  Returns the integer sums [N, Cout, Ho, Wo] as int64, with
    the rows in the mapper's order r = (kh * k + kw) * cin + ci."""
    n, c, h, wd = x.shape
    cout, _, k, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))
    ho, wo = win.shape[2], win.shape[3]
    # [N, C, Ho, Wo, kh, kw] -> [N, Ho, Wo, kh, kw, C]
    cols = win.transpose(0, 2, 3, 4, 5, 1).reshape(n * ho * wo, k * k * c).astype(np.float32)
    wm = w.transpose(2, 3, 1, 0).reshape(k * k * c, cout).astype(np.float32)
    s = (cols @ wm).astype(np.int64)
    return s.reshape(n, ho, wo, cout).transpose(0, 3, 1, 2)


def run_batch(model, inits, pixels):
    """pixels [N, 28, 28] uint8 -> (logits float64 [N, classes], last sums int64)."""
    x = pixels.astype(np.float64)[:, None, :, :] / 255.0
    scale = 1.0          # pending inverted-dropout factor of the next MVM
    t = None             # stage/BN value (float64) of the current crossbar layer
    last_sums = None
    for node in model.graph.node:
        op = node.op_type
        ins = [inits.get(i) for i in node.input[1:]]
        if op == "Binarize":
            src = x if t is None else t
            x = np.where(src >= attr(node, "threshold", 0.0), 1.0, -1.0)
            t = None
        elif op == "Dropout":
            p = float(ins[0]) if ins and ins[0] is not None else 0.5
            scale = 1.0 / (1.0 - p)
        elif op == "Conv":
            if len(node.input) > 2:
                raise ValueError("node '%s' (Conv): bias input not supported" % node.name)
            pads = attr(node, "pads", [0, 0, 0, 0])
            a = conv_sums(x, ins[0], pads[0])
            last_sums, t, scale = a, a.astype(np.float64) * scale, 1.0
        elif op in ("Gemm", "MatMul"):
            w = ins[0] if op == "MatMul" else ins[0].T
            a = (x.astype(np.float32) @ w.astype(np.float32)).astype(np.int64)
            last_sums, t, scale = a, a.astype(np.float64) * scale, 1.0
        elif op == "ScaleDropout" or op == "ScaleVI":
            t = t * ins[0].reshape((1, -1) + (1,) * (t.ndim - 2))
        elif op == "AffineDropout":
            sh = (1, -1) + (1,) * (t.ndim - 2)
            t = t * ins[0].reshape(sh) + ins[1].reshape(sh)
        elif op == "BatchNormalization":
            g, b, mean, var = ins
            s = g / np.sqrt(var + attr(node, "epsilon", 1e-5))
            bias = b - mean * s
            sh = (1, -1) + (1,) * (t.ndim - 2)
            t = t * s.reshape(sh) + bias.reshape(sh)
        elif op == "MaxPool":
            k = attr(node, "kernel_shape")[0]
            n, c, h, w = x.shape
            x = x[:, :, :h // k * k, :w // k * k].reshape(n, c, h // k, k, w // k, k).max((3, 5))
        elif op == "Flatten":
            x = x.reshape(x.shape[0], -1)
        else:
            raise ValueError("node '%s' (%s): not supported" % (node.name, op))
    return t, last_sums


def run_model(path, pixels):
    """The mean network on all images: dict with pred_array, sums_array (int32)."""
    model, inits = load_model(path)
    preds, sums = [], []
    for i in range(0, pixels.shape[0], BATCH):
        logits, s = run_batch(model, inits, pixels[i:i + BATCH])
        preds.append(logits.argmax(1))
        sums.append(s)
    sums = np.concatenate(sums)
    if np.abs(sums).max() >= 2 ** 31:
        raise ValueError("sums overflow int32")
    return {"pred_array": np.concatenate(preds).astype(np.int64),
            "sums_array": sums.astype(np.int32)}


def ref_json(ref, labels):
    s = ref["sums_array"]
    return {"images": int(s.shape[0]), "classes": int(s.shape[1]),
            "pred": [int(v) for v in ref["pred_array"]],
            "sums_sha256": hashlib.sha256(s.astype("<i4").tobytes()).hexdigest(),
            "sums_first": [[int(v) for v in row] for row in s[:64]],
            "labels_sha256": hashlib.sha256(labels.astype(np.uint8).tobytes()).hexdigest(),
            "mean_network": "every mask kept (inverted dropout 1/(1-p) applied), "
                            "ScaleDropout alpha, AffineDropout gamma and beta, ScaleVI mu"}


def main(argv):
    write = "--write" in argv
    paths = [a for a in argv if a != "--write"]
    if not paths:
        print("usage: reference.py [--write] MODEL.onnx ...", file=sys.stderr)
        return 2
    pixels = read_idx(os.path.join(DATA_DIR, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATA_DIR, "t10k-labels-idx1-ubyte.gz"))
    bad = 0
    for p in paths:
        ref = run_model(p, pixels)
        out = ref_json(ref, labels)
        rp = p[:-5] + ".ref.json" if p.endswith(".onnx") else p + ".ref.json"
        acc = float((ref["pred_array"] == labels).mean())
        if write:
            old = {}
            if os.path.exists(rp):
                with open(rp) as f:
                    old = json.load(f)
            old.update(out)
            with open(rp, "w") as f:
                json.dump(old, f, sort_keys=True, separators=(",", ":"))
                f.write("\n")
            print("%s: mean network accuracy %.4f, written" % (rp, acc))
            continue
        with open(rp) as f:
            have = json.load(f)
        same = have["pred"] == out["pred"] and have["sums_sha256"] == out["sums_sha256"]
        print("%s: mean network accuracy %.4f, %s" % (rp, acc, "agrees" if same else "DIFFERS"))
        bad += not same
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
