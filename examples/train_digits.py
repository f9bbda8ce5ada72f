"""Main demo: softmax regression on scikit-learn's bundled digits (no download), written with
plain ctorch tensor ops and a hand-derived gradient (the autograd engine arrives in a later issue).

    python examples/train_digits.py [--epochs N]
"""
import argparse
import time

import ctorch as torch


def load_digits():
    from sklearn.datasets import load_digits as _load  # bundled with scikit-learn, offline

    d = _load()
    x = torch.tensor(d.data, dtype=torch.float32) / 16.0
    y = torch.tensor(d.target, dtype=torch.int64)
    return x, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--lr", type=float, default=0.5)
    args = ap.parse_args()

    torch.manual_seed(0)
    x, y = load_digits()
    perm = torch.randperm(x.shape[0])
    x, y = x[perm], y[perm]
    n_train = 1400
    xtr, ytr, xte, yte = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
    onehot = torch.zeros(n_train, 10)
    onehot[torch.arange(n_train), ytr] = 1.0

    w = torch.randn(64, 10) * 0.01
    b = torch.zeros(10)
    t0 = time.perf_counter()
    for epoch in range(args.epochs):
        logits = xtr @ w + b
        logits = logits - logits.amax(dim=1, keepdim=True)
        p = logits.exp()
        p = p / p.sum(dim=1, keepdim=True)
        loss = -(p[torch.arange(n_train), ytr] + 1e-12).log().mean()
        g = (p - onehot) / n_train            # d loss / d logits
        w -= args.lr * (xtr.t() @ g)
        b -= args.lr * g.sum(dim=0)
        if epoch % 50 == 0 or epoch == args.epochs - 1:
            print(f"epoch {epoch:4d}  loss {loss.item():.4f}")
    dt = time.perf_counter() - t0
    acc = ((xte @ w + b).argmax(dim=1) == yte).float().mean().item()
    print(f"test accuracy {acc * 100:.1f}% on {xte.shape[0]} held-out digits ({dt:.2f} s)")


if __name__ == "__main__":
    main()
