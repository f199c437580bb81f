"""PyTorch side of tools/bench/train/bench.mjs: one training epoch of the Fashion-MNIST benchmark CNN.

The same architecture as Hearth's `fashion_mnist_cnn` (conv 3x3x32 pad 1, ReLU, maxpool 2, conv 3x3x64
pad 1, ReLU, maxpool 2, dense 128, ReLU, dense 10), the same data (all 60,000 training images,
standardized with mean 0.286 and std 0.353), batch size, optimizer (Adam, lr 1e-3) and thread count
(torch.set_num_threads = ORT intra-op threads). Batches are gathered from in-memory tensors in a seeded
random order, as Hearth does. Prints one JSON line.

    /usr/bin/python3 tools/bench/train/torch_cnn.py --threads 1 --batch-size 64 --epochs 1
"""

import argparse
import gzip
import json
import time

import numpy as np
import torch
from torch import nn

MEAN = 0.286
STD = 0.353


def read_idx(path: str) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir: str, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(f"{data_dir}/{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    labels = read_idx(f"{data_dir}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    x = torch.from_numpy((images - MEAN) / STD).unsqueeze(1)
    return x, torch.from_numpy(labels)


def model() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    x, y = load(args.data, "train")
    test_x, test_y = load(args.data, "test")
    net = model()
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)

    epochs = []
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(x.shape[0], generator=generator)
        started = time.perf_counter()
        loss_sum = 0.0
        for start in range(0, x.shape[0], args.batch_size):
            index = order[start : start + args.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(net(x[index]), y[index])
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * index.shape[0]
        seconds = time.perf_counter() - started
        net.eval()
        with torch.no_grad():
            correct = sum(int((net(test_x[s : s + 500]).argmax(1) == test_y[s : s + 500]).sum()) for s in range(0, test_x.shape[0], 500))
        epochs.append(
            {
                "epoch": epoch + 1,
                "seconds": seconds,
                "samples_per_second": x.shape[0] / seconds,
                "train_loss": loss_sum / x.shape[0],
                "test_accuracy": correct / test_x.shape[0],
            }
        )
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "batch_size": args.batch_size, "epochs": epochs}))


if __name__ == "__main__":
    main()
