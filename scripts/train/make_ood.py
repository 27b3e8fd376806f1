#!/usr/bin/python3
"""make_ood.py - converts scikit-learn's bundled `digits` data set (UCI optical
recognition of handwritten digits: 1797 images, 8x8, values 0..16; Debian python3-sklearn,
no download) into Fashion-MNIST's format, for out-of-distribution tests: 28x28 uint8 IDX
files, gzip'd.

  usage: scripts/train/make_ood.py OUTDIR    (writes digits-images-idx3-ubyte.gz and
                                              digits-labels-idx1-ubyte.gz)

Conversion: each 8x8 image is upscaled bilinearly (sample centres aligned: output pixel
centre u in [0, 19] maps to input coordinate u * 7 / 19) to 20x20 and centred in a 28x28
frame with a 4-pixel black margin (MNIST's layout); value v in [0, 16] becomes
round(v * 255 / 16).  gzip is written with mtime 0, so the output is byte-identical.
"""
import gzip
import os
import struct
import sys

import numpy as np


def upscale(img8, size=20):
    src = np.arange(size) * (img8.shape[0] - 1) / (size - 1)
    i0 = np.floor(src).astype(int)
    i1 = np.minimum(i0 + 1, img8.shape[0] - 1)
    f = src - i0
    rows = img8[i0, :] * (1 - f)[:, None] + img8[i1, :] * f[:, None]
    return rows[:, i0] * (1 - f)[None, :] + rows[:, i1] * f[None, :]


def write_idx_gz(path, arr):
    head = struct.pack(">BBBB", 0, 0, 0x08, arr.ndim) + struct.pack(">" + "I" * arr.ndim,
                                                                    *arr.shape)
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(head + arr.astype(np.uint8).tobytes())


def main(argv):
    if len(argv) != 1 or not os.path.isdir(argv[0]):
        print("usage: make_ood.py OUTDIR (an existing directory)", file=sys.stderr)
        return 2
    from sklearn.datasets import load_digits
    d = load_digits()
    imgs = d.images.astype(np.float64)  # [1797, 8, 8], 0..16
    out = np.zeros((imgs.shape[0], 28, 28), dtype=np.uint8)
    for i, im in enumerate(imgs):
        up = upscale(im)
        out[i, 4:24, 4:24] = np.clip(np.rint(up * 255.0 / 16.0), 0, 255).astype(np.uint8)
    write_idx_gz(os.path.join(argv[0], "digits-images-idx3-ubyte.gz"), out)
    write_idx_gz(os.path.join(argv[0], "digits-labels-idx1-ubyte.gz"),
                 d.target.astype(np.uint8))
    print("%d images written to %s" % (out.shape[0], argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
