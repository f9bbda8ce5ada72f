"""Main demo: a two-layer MLP trained on scikit-learn's bundled digits dataset (offline) with plain
tensor ops and autograd only: manual parameters, manual SGD, log-softmax and NLL from primitives.

    python examples/mlp_digits.py [--epochs N] [--min-acc 0.95] [--device cuda]

The same file runs unchanged with PyTorch: `python examples/mlp_digits.py --backend torch`.
"""
import argparse
import importlib
import time


def load_digits(torch):
    from sklearn.datasets import load_digits as _load  # bundled with scikit-learn, no download

    d = _load()
    x = torch.tensor(d.data, dtype=torch.float32) / 16.0
    y = torch.tensor(d.target, dtype=torch.int64)
    return x, y


def log_softmax(z):
    z = z - z.amax(dim=1, keepdim=True)
    return z - z.exp().sum(dim=1, keepdim=True).log()


def nll(logp, y, rows):
    return -logp[rows, y].mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--backend", default="ctorch")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (same initial weights and batches)")
    ap.add_argument("--min-acc", type=float, default=0.0, help="exit non-zero below this test accuracy")
    args = ap.parse_args()
    torch = importlib.import_module(args.backend)

    torch.manual_seed(0)
    x, y = load_digits(torch)
    perm = torch.randperm(x.shape[0])
    x, y = x[perm].to(args.device), y[perm].to(args.device)
    n_train = 1400
    xtr, ytr, xte, yte = x[:n_train], y[:n_train], x[n_train:], y[n_train:]

    # Kaiming-style init by hand.
    # Drawn on the CPU generator, then moved: every device starts from the same weights.
    w1 = (torch.randn(64, args.hidden) * (2.0 / 64) ** 0.5).to(args.device).requires_grad_()
    b1 = torch.zeros(args.hidden, device=args.device, requires_grad=True)
    w2 = (torch.randn(args.hidden, 10) * (1.0 / args.hidden) ** 0.5).to(args.device).requires_grad_()
    b2 = torch.zeros(10, device=args.device, requires_grad=True)
    params = [w1, b1, w2, b2]

    t0 = time.perf_counter()
    for epoch in range(args.epochs):
        order = torch.randperm(n_train).to(args.device)
        total = 0.0
        for i in range(0, n_train, args.batch):
            idx = order[i:i + args.batch]
            xb, yb = xtr[idx], ytr[idx]
            h = (xb @ w1 + b1).relu()
            loss = nll(log_softmax(h @ w2 + b2), yb, torch.arange(xb.shape[0], device=args.device))
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= args.lr * p.grad
            total += loss.item() * xb.shape[0]
        if epoch % 10 == 0 or epoch == args.epochs - 1:
            print(f"epoch {epoch:3d}  train loss {total / n_train:.4f}")
    dt = time.perf_counter() - t0
    with torch.no_grad():
        pred = ((xte @ w1 + b1).relu() @ w2 + b2).argmax(dim=1)
        acc = (pred == yte).float().mean().item()
    print(f"test accuracy {acc * 100:.1f}% on {xte.shape[0]} held-out digits, {args.epochs} epochs in {dt:.2f} s")
    if acc < args.min_acc:
        raise SystemExit(f"accuracy {acc:.3f} below --min-acc {args.min_acc}")


if __name__ == "__main__":
    main()
