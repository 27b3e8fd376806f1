#!/usr/bin/python3
"""train.py - trains binary Bayesian neural networks on Fashion-MNIST and exports them as
ONNX in the graph convention neuspin reads (docs/onnx.md).

  usage: scripts/train/train.py --all --out workloads/trained
         scripts/train/train.py --arch lenet5 --scheme spindrop --out DIR

Binary weights (sign of clipped latent floats, straight-through estimator), binary
activations (x >= 0 ? +1 : -1, STE), input binarised at pixel / 255 >= 0.5, BatchNorm after
every MVM, no bias.  Dropout p sits on the input of every crossbar layer but the first (or,
in the stage schemes, a stage after its MVM).  The data set is read from the IDX .gz files
of Debian's dataset-fashion-mnist; nothing is downloaded.

For every model it writes <name>.onnx, <name>.json (metadata) and <name>.ref.json (the
mean network's reference for all 10,000 test images, computed by reference.py in numpy
and checked against this PyTorch model; the MC predictive mean of the first 1000 images).
"""
import argparse
import gzip
import hashlib
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402  (numpy only)

DATA_DIR = "/usr/share/datasets/fashion-mnist"
SCHEMES = ["none", "mc_dropout", "spindrop", "spatial_spindrop", "scaledrop",
           "affine_dropout", "subset_vi"]
INPUT_DROPOUT = ("mc_dropout", "spindrop", "spatial_spindrop")
DEFAULT_P = {"mc_dropout": 0.1, "spindrop": 0.1, "spatial_spindrop": 0.1,
             "scaledrop": 0.2, "affine_dropout": 0.2,
             "subset_vi": 0.5}  # VI: fair random bits (docs/onnx.md), no mask
# --all: every LeNet-5 scheme, and the VGG schemes the committed set carries
ALL_MODELS = [("lenet5", s) for s in SCHEMES] + \
             [("vggsmall", s) for s in ("none", "spindrop", "scaledrop")]
EPOCHS = {"lenet5": 3, "vggsmall": 1}
# the VGG's MC evaluation (T passes) runs on the first 1000 test images, and its SpinDrop
# (a mask per unfolded im2col entry) trains on the first 20000 training images: the time
# box of 25 minutes for the committed set on 2 cores (README.md)
EVAL_IMAGES = {"lenet5": 10000, "vggsmall": 1000}
TRAIN_LIMIT = {("vggsmall", "spindrop"): 20000}
MC_T = 20
VI_BITS = 16
VI_PRIOR_SD = 0.1
VI_KL_WEIGHT = 1e-4
ALPHA_REG = 1e-3


# ---------------------------------------------------------------------------- data

def read_idx(path):
    """Parses an IDX file (gzip): returns a uint8 numpy array of its shape."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError("%s: error: not an unsigned-byte IDX file" % path)
    ndim = data[3]
    if ndim < 1 or ndim > 4 or len(data) < 4 + 4 * ndim:
        raise ValueError("%s: error: bad IDX dimension count" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    n = int(np.prod(dims))
    if len(data) != 4 + 4 * ndim + n:
        raise ValueError("%s: error: IDX size does not match its dimensions" % path)
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def load_fashion():
    files = {k: os.path.join(DATA_DIR, v) for k, v in (
        ("train_x", "train-images-idx3-ubyte.gz"), ("train_y", "train-labels-idx1-ubyte.gz"),
        ("test_x", "t10k-images-idx3-ubyte.gz"), ("test_y", "t10k-labels-idx1-ubyte.gz"))}
    d = {k: read_idx(p) for k, p in files.items()}
    shas = {os.path.basename(p): sha256_file(p) for p in files.values()}
    return d, shas


def binarize_input(x_u8):
    """pixels (uint8) -> +-1 float32, +1 where pixel / 255 >= 0.5 (docs/onnx.md)."""
    x = torch.from_numpy(x_u8.astype(np.float32) / np.float32(255.0))
    return torch.where(x >= 0.5, 1.0, -1.0).unsqueeze(1)


# ---------------------------------------------------------------------------- layers

class SignSTE(torch.autograd.Function):
    """x >= 0 ? +1 : -1; gradient passes where |x| <= 1 (straight-through)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x.abs() <= 1).to(g.dtype)


sign_ste = SignSTE.apply


class BinLayer(nn.Module):
    """[dropout] -> binary conv/fc -> [stage] -> BN -> [Binarize]: one crossbar layer.

    The dropout mask is applied to the unscaled +-1 input, so the MVM computes the
    integer sum a_c of docs/onnx.md; the inverted-dropout factor 1 / (1 - p) multiplies
    the sum afterwards (the same product, and what the loader folds into the BN)."""

    def __init__(self, kind, cin, cout, k=0, pad=0, scheme="none", p=0.0, last=False):
        super().__init__()
        self.kind, self.cin, self.cout, self.k, self.pad = kind, cin, cout, k, pad
        self.scheme, self.p, self.last = scheme, p, last
        if kind == "conv":
            self.weight = nn.Parameter(torch.empty(cout, cin, k, k))
            self.bn = nn.BatchNorm2d(cout)
        else:
            self.weight = nn.Parameter(torch.empty(cout, cin))
            self.bn = nn.BatchNorm1d(cout)
        nn.init.uniform_(self.weight, -0.1, 0.1)
        self.stage = None
        if scheme == "scaledrop" and p > 0:
            self.stage = "scale"
            self.alpha = nn.Parameter(torch.ones(cout))
        elif scheme == "affine_dropout" and p > 0:
            self.stage = "affine"
            self.gamma = nn.Parameter(torch.ones(cout))
            self.beta = nn.Parameter(torch.zeros(cout))
        elif scheme == "subset_vi" and p > 0:
            self.stage = "vi"
            self.mu = nn.Parameter(torch.ones(cout))
            self.log_sigma = nn.Parameter(torch.full((cout,), math.log(0.05)))
        self.in_dropout = scheme in INPUT_DROPOUT and p > 0
        self.last_a = None

    def chan(self, v):
        return v.view(-1, self.cout, 1, 1) if self.kind == "conv" else v.view(-1, self.cout)

    def forward(self, x, mode):
        """mode: 'train' and 'mc' draw masks, 'mean' keeps every mask (dropout off)."""
        wb = sign_ste(self.weight)
        n = x.shape[0]
        drop = self.in_dropout and mode != "mean"
        if self.kind == "conv" and self.scheme == "spindrop" and drop:
            cols = F.unfold(x, self.k, padding=self.pad)  # [N, cin*k*k, L]
            cols = cols * (torch.rand(cols.shape) >= self.p).to(cols.dtype)
            h = x.shape[2] + 2 * self.pad - self.k + 1
            w = x.shape[3] + 2 * self.pad - self.k + 1
            r = cols.shape[1]  # a 1x1 convolution over the unfolded rows (fast path)
            a = F.conv2d(cols.view(n, r, h, w), wb.reshape(self.cout, r, 1, 1))
        else:
            if drop:
                if self.kind == "conv" and self.scheme == "spatial_spindrop":
                    m = (torch.rand(n, x.shape[1], 1, 1) >= self.p).to(x.dtype)
                else:
                    m = (torch.rand(x.shape) >= self.p).to(x.dtype)
                x = x * m
            if self.kind == "conv":
                a = F.conv2d(x, wb, padding=self.pad)
            else:
                a = F.linear(x, wb)
        self.last_a = a.detach()
        t = a / (1 - self.p) if self.in_dropout else a
        if self.stage is not None:
            shape = (n, 1, 1, 1) if self.kind == "conv" else (n, 1)
            if self.stage == "scale":
                alpha = self.chan(self.alpha)
                if mode == "mean":
                    t = t * alpha
                else:
                    keep = torch.bernoulli(torch.full(shape, 1 - self.p))
                    t = t * (keep * alpha + (1 - keep))
            elif self.stage == "affine":
                g, b = self.chan(self.gamma), self.chan(self.beta)
                if mode == "mean":
                    t = t * g + b
                else:
                    kg = torch.bernoulli(torch.full(shape, 1 - self.p))
                    kb = torch.bernoulli(torch.full(shape, 1 - self.p))
                    t = t * (kg * g + (1 - kg)) + kb * b
            else:  # vi: eps from sample_bits fair bits, as the hardware draws it
                mu, sd = self.chan(self.mu), self.chan(self.log_sigma.exp())
                if mode == "mean":
                    t = t * mu
                else:
                    es = (n, self.cout, 1, 1) if self.kind == "conv" else (n, self.cout)
                    ones = torch.binomial(torch.full(es, float(VI_BITS)), torch.full(es, 0.5))
                    eps = (ones - VI_BITS / 2) / math.sqrt(VI_BITS / 4)
                    t = t * (mu + sd * eps)
        v = self.bn(t)
        return v if self.last else sign_ste(v)

    def reg(self):
        if self.stage == "scale":
            return ALPHA_REG * ((self.alpha - 1) ** 2).sum()
        if self.stage == "affine":
            return ALPHA_REG * (((self.gamma - 1) ** 2).sum() + (self.beta ** 2).sum())
        if self.stage == "vi":  # KL(N(mu, s^2) || N(1, 0.1^2)) per channel
            s2 = (2 * self.log_sigma).exp()
            kl = (math.log(VI_PRIOR_SD) - self.log_sigma
                  + (s2 + (self.mu - 1) ** 2) / (2 * VI_PRIOR_SD ** 2) - 0.5)
            return VI_KL_WEIGHT * kl.sum()
        return 0.0

    def clip(self):
        with torch.no_grad():
            self.weight.clamp_(-1, 1)
            if self.stage == "vi":
                self.log_sigma.clamp_(math.log(1e-3), math.log(1.0))


class BinNet(nn.Module):
    """A chain of ('layer', BinLayer) / ('pool', k) / ('flatten',) items."""

    def __init__(self, arch, scheme, p, vgg_fc):
        super().__init__()
        pp = p if scheme != "none" else 0.0
        L = []
        if arch == "lenet5":
            L += [("conv1", BinLayer("conv", 1, 6, 5, 2, scheme, 0.0)), ("pool1", 2),
                  ("conv2", BinLayer("conv", 6, 16, 5, 0, scheme, pp)), ("pool2", 2),
                  ("flatten", None),
                  ("fc1", BinLayer("fc", 400, 120, scheme=scheme, p=pp)),
                  ("fc2", BinLayer("fc", 120, 84, scheme=scheme, p=pp)),
                  ("fc3", BinLayer("fc", 84, 10, scheme=scheme, p=pp, last=True))]
        else:
            L += [("conv1", BinLayer("conv", 1, 32, 3, 1, scheme, 0.0)),
                  ("conv2", BinLayer("conv", 32, 32, 3, 1, scheme, pp)), ("pool1", 2),
                  ("conv3", BinLayer("conv", 32, 64, 3, 1, scheme, pp)),
                  ("conv4", BinLayer("conv", 64, 64, 3, 1, scheme, pp)), ("pool2", 2),
                  ("flatten", None),
                  ("fc1", BinLayer("fc", 64 * 7 * 7, vgg_fc, scheme=scheme, p=pp)),
                  ("fc2", BinLayer("fc", vgg_fc, 10, scheme=scheme, p=pp, last=True))]
        self.items = L
        self.layers = nn.ModuleDict({it[0]: it[1] for it in L if isinstance(it[1], BinLayer)})

    def forward(self, x, mode):
        for it in self.items:
            if it[0] == "flatten":
                x = x.flatten(1)
            elif isinstance(it[1], BinLayer):
                x = it[1](x, mode)
            else:
                x = F.max_pool2d(x, it[1])
        return x

    def last_layer(self):
        return [it[1] for it in self.items if isinstance(it[1], BinLayer)][-1]


# ---------------------------------------------------------------------------- train/eval

def train(net, xtr, ytr, epochs, seed, lr, bs=128):
    params = [p for p in net.parameters()]
    opt = torch.optim.Adam(params, lr=lr)
    g = torch.Generator().manual_seed(seed)
    n = xtr.shape[0]
    steps = epochs * ((n + bs - 1) // bs)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0 - 0.9 * s / steps)
    net.train()
    for ep in range(epochs):
        perm = torch.randperm(n, generator=g)
        tot, cnt = 0.0, 0
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            out = net(xtr[idx], "train")
            loss = F.cross_entropy(out, ytr[idx])
            reg = sum(l.reg() for l in net.layers.values())
            opt.zero_grad()
            (loss + reg).backward()
            opt.step()
            sched.step()
            for l in net.layers.values():
                l.clip()
            tot += loss.item() * len(idx)
            cnt += len(idx)
        print("  epoch %d: loss %.4f" % (ep + 1, tot / cnt), flush=True)


@torch.no_grad()
def evaluate(net, xte, yte, T, seed, bs=1000):
    """MC evaluation: T passes with masks on; returns (accuracy, nll, mean probs)."""
    net.eval()
    torch.manual_seed(seed)
    probs = torch.zeros(xte.shape[0], 10, dtype=torch.float64)
    for i in range(0, xte.shape[0], bs):
        acc = torch.zeros(min(bs, xte.shape[0] - i), 10, dtype=torch.float64)
        for _ in range(T):
            acc += F.softmax(net(xte[i:i + bs], "mc"), dim=1).double()
        probs[i:i + bs] = acc / T
    pred = probs.argmax(1)
    accuracy = (pred == yte).double().mean().item()
    nll = -torch.log(probs[torch.arange(len(yte)), yte].clamp_min(1e-12)).mean().item()
    return accuracy, nll, probs


@torch.no_grad()
def mean_net(net, xte, bs=1000):
    """The mean network (every mask kept): predictions and the last layer's integer sums."""
    net.eval()
    preds, sums = [], []
    for i in range(0, xte.shape[0], bs):
        out = net(xte[i:i + bs], "mean")
        preds.append(out.argmax(1))
        a = net.last_layer().last_a
        ai = a.round()
        assert torch.equal(ai, a), "pre-BN sums are not integers"
        sums.append(ai.to(torch.int64))
    return torch.cat(preds).numpy(), torch.cat(sums).numpy()


# ---------------------------------------------------------------------------- export

def export_onnx(net, path, meta):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    cur = "input"

    def init(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr, dtype=np.float32), name))
        return name

    def add(op, name, inputs, domain="", **attrs):
        out = name + "_out"
        nodes.append(helper.make_node(op, [cur] + inputs, [out], name=name,
                                      domain=domain, **attrs))
        return out

    cur = add("Binarize", "input_sign", [], domain="ai.neuspin", threshold=0.5)
    for it in net.items:
        name = it[0]
        if name == "flatten":
            cur = add("Flatten", "flatten", [], axis=1)
            continue
        if not isinstance(it[1], BinLayer):
            k = it[1]
            cur = add("MaxPool", name, [], kernel_shape=[k, k], strides=[k, k])
            continue
        l = it[1]
        if l.in_dropout:
            cur = add("Dropout", name + "_drop", [init(name + "_ratio", np.float32(l.p))])
        w = torch.where(l.weight >= 0, 1.0, -1.0).detach().numpy()
        if l.kind == "conv":
            cur = add("Conv", name, [init(name + "_W", w)], kernel_shape=[l.k, l.k],
                      pads=[l.pad] * 4, strides=[1, 1])
        else:
            cur = add("Gemm", name, [init(name + "_W", w)], transB=1)
        if l.stage == "scale":
            cur = add("ScaleDropout", name + "_stage",
                      [init(name + "_alpha", l.alpha.detach().numpy())],
                      domain="ai.neuspin", ratio=float(l.p))
        elif l.stage == "affine":
            cur = add("AffineDropout", name + "_stage",
                      [init(name + "_gamma", l.gamma.detach().numpy()),
                       init(name + "_beta", l.beta.detach().numpy())],
                      domain="ai.neuspin", ratio=float(l.p))
        elif l.stage == "vi":
            cur = add("ScaleVI", name + "_stage",
                      [init(name + "_mu", l.mu.detach().numpy()),
                       init(name + "_sigma", l.log_sigma.exp().detach().numpy())],
                      domain="ai.neuspin", sample_bits=VI_BITS)
        bn = l.bn
        cur = add("BatchNormalization", name + "_bn",
                  [init(name + "_bn_scale", bn.weight.detach().numpy()),
                   init(name + "_bn_B", bn.bias.detach().numpy()),
                   init(name + "_bn_mean", bn.running_mean.numpy()),
                   init(name + "_bn_var", bn.running_var.numpy())], epsilon=float(bn.eps))
        if not l.last:
            cur = add("Binarize", name + "_sign", [], domain="ai.neuspin", threshold=0.0)
    # the last node writes the graph output "logits"
    nodes[-1].output[0] = "logits"
    graph = helper.make_graph(
        nodes, meta["name"],
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
        initializer=inits)
    model = helper.make_model(
        graph, producer_name="neuspin-train", producer_version="1",
        opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.neuspin", 1)])
    model.ir_version = 7
    props = {"neuspin.scheme": meta["scheme"], "neuspin.mc_samples": str(MC_T),
             "neuspin.dataset": "fashion-mnist", "neuspin.accuracy": "%.4f" % meta["accuracy"],
             "neuspin.train_seed": str(meta["seed"]), "neuspin.epochs": str(meta["epochs"]),
             "neuspin.arch": meta["arch"]}
    helper.set_model_props(model, props)
    onnx.checker.check_model(model)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(model.SerializeToString())
    os.replace(tmp, path)


def write_json(path, obj, compact=False):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        if compact:
            json.dump(obj, f, sort_keys=True, separators=(",", ":"))
        else:
            json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


# ---------------------------------------------------------------------------- main

def run_one(arch, scheme, args, data, shas):
    name = "%s-%s" % (arch, scheme)
    p = args.p if args.p is not None else DEFAULT_P.get(scheme, 0.0)
    epochs = args.epochs if args.epochs is not None else EPOCHS[arch]
    print("%s: p %.2f, %d epochs" % (name, p, epochs), flush=True)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    net = BinNet(arch, scheme, p, args.vgg_fc)
    xtr, ytr = binarize_input(data["train_x"]), torch.from_numpy(data["train_y"].astype(np.int64))
    xte, yte = binarize_input(data["test_x"]), torch.from_numpy(data["test_y"].astype(np.int64))
    limit = args.limit or TRAIN_LIMIT.get((arch, scheme), 0)
    if limit:
        xtr, ytr = xtr[:limit], ytr[:limit]
    t0 = time.time()
    train(net, xtr, ytr, epochs, args.seed, args.lr)
    t_train = time.time() - t0
    T = 1 if scheme == "none" else MC_T
    eval_seed = args.seed + 1000
    ne = args.eval_images or EVAL_IMAGES[arch]
    accuracy, nll, probs = evaluate(net, xte[:ne], yte[:ne], T, eval_seed)
    print("  accuracy %.4f nll %.4f (T %d, %.0f s training)" % (accuracy, nll, T, t_train),
          flush=True)
    meta = {"name": name, "arch": arch, "scheme": scheme, "p": p, "epochs": epochs,
            "seed": args.seed, "accuracy": accuracy, "nll": nll, "mc_samples": MC_T,
            "eval_T": T, "eval_seed": eval_seed,
            "eval_images": ne, "train_seconds": round(t_train, 1),
            "torch_version": torch.__version__, "lr": args.lr, "batch_size": 128,
            "train_images": int(xtr.shape[0]), "data_sha256": shas,
            "dataset": "fashion-mnist"}
    onnx_path = os.path.join(args.out, name + ".onnx")
    export_onnx(net, onnx_path, meta)

    # the mean network: PyTorch against the numpy interpreter of the exported file
    t_pred, t_sums = mean_net(net, xte)
    ref = reference.run_model(onnx_path, data["test_x"])
    mism = int((ref["pred_array"] != t_pred).sum())
    sums_eq = bool(np.array_equal(ref["sums_array"], t_sums))
    print("  mean network: numpy vs torch: %d of %d predictions differ, sums %s; "
          "accuracy %.4f" % (mism, len(t_pred), "equal" if sums_eq else "DIFFER",
                             float((t_pred == data["test_y"]).mean())), flush=True)
    if mism or not sums_eq:
        raise SystemExit("%s: error: numpy reference and torch disagree" % name)
    out = reference.ref_json(ref, data["test_y"])
    out["mean_net_accuracy"] = float((t_pred == data["test_y"]).mean())
    if scheme != "none":
        out["mc_T"] = T
        out["mc_seed"] = eval_seed
        out["mc_mean_first"] = [[round(float(v), 4) for v in row]
                                for row in probs[:min(1000, ne)].numpy()]
    write_json(os.path.join(args.out, name + ".ref.json"), out, compact=True)
    meta["mean_net_accuracy"] = out["mean_net_accuracy"]
    meta["onnx_sha256"] = sha256_file(onnx_path)
    write_json(os.path.join(args.out, name + ".json"), meta)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", choices=["lenet5", "vggsmall"], default="lenet5")
    ap.add_argument("--scheme", choices=SCHEMES, default="none")
    ap.add_argument("--all", action="store_true", help="train the committed set")
    ap.add_argument("--out", required=True, help="output directory (must exist)")
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--p", type=float, default=None, help="dropout probability")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--vgg-fc", type=int, default=64,
                    help="vggsmall's hidden fc width (64 keeps the file near 1 MB)")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N images only")
    ap.add_argument("--eval-images", type=int, default=0,
                    help="MC-evaluate on the first N test images (default per arch)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default="", help="with --all: comma list of names to redo")
    args = ap.parse_args()
    if not os.path.isdir(args.out):
        raise SystemExit("%s: error: output directory does not exist" % args.out)
    if args.p is not None and not 0 < args.p < 1:
        raise SystemExit("train.py: error: --p must be between 0 and 1 exclusive")
    torch.set_num_threads(args.threads)
    data, shas = load_fashion()
    models = ALL_MODELS if args.all else [(args.arch, args.scheme)]
    if args.only:
        keep = set(args.only.split(","))
        models = [m for m in models if "%s-%s" % m in keep]
    t0 = time.time()
    for arch, scheme in models:
        run_one(arch, scheme, args, data, shas)
    print("total %.0f s" % (time.time() - t0), flush=True)


if __name__ == "__main__":
    main()
