// The server's sink for client results, shaped like a FedAvg round: every chunk of a client's safetensors
// payload is folded into one running weighted sum as it arrives, so the server holds the global model and
// the sum, never a client's whole result.

/**
 * A weighted sum of float32 ParamMaps laid out like the global model (same header, same tensor order),
 * shared by every result that streams in. The constructor writes every sum once (zeros), so their memory is
 * really there before the first result arrives, as an aggregator preparing for a round does while clients train.
 */
export class WeightedSum {
  /** @param {{ header: Uint8Array, tensorBytes: number[], scratchBytes: number }} layout the global model's encoded header and tensor sizes */
  constructor({ header, tensorBytes, scratchBytes }) {
    this.header = header;
    this.sums = tensorBytes.map((bytes) => new Float32Array(bytes / 4).fill(0));
    this.starts = [];
    let at = header.byteLength;
    for (const bytes of tensorBytes) {
      this.starts.push(at);
      at += bytes;
    }
    this.totalBytes = at;
    this.scratch = new Float32Array(scratchBytes / 4);
  }

  /** Adds `weight` × the payload bytes `chunk` found at payload offset `offset`. */
  add(chunk, offset, weight) {
    let done = 0;
    if (offset < this.header.byteLength) {
      done = Math.min(chunk.byteLength, this.header.byteLength - offset);
      const expected = this.header.subarray(offset, offset + done);
      if (Buffer.compare(chunk.subarray(0, done), expected) !== 0) throw new Error(`result header differs from the global model's at bytes [${offset}, ${offset + done})`);
    }
    const most = this.scratch.byteLength;
    while (done < chunk.byteLength) {
      const at = offset + done;
      const t = this.#tensorAt(at);
      const sum = this.sums[t];
      const within = at - this.starts[t];
      const count = Math.min(chunk.byteLength - done, sum.byteLength - within, most);
      const first = within / 4;
      const values = this.#float32s(chunk, done, count);
      for (let i = 0, n = count / 4; i < n; i += 1) sum[first + i] += weight * values[i];
      done += count;
    }
  }

  /** The `count` bytes of `chunk` at `at` as float32s: a view where they are 4-byte aligned, else a copy in the scratch buffer. */
  #float32s(chunk, at, count) {
    const start = chunk.byteOffset + at;
    if (start % 4 === 0) return new Float32Array(chunk.buffer, start, count / 4);
    new Uint8Array(this.scratch.buffer).set(chunk.subarray(at, at + count));
    return this.scratch;
  }

  #tensorAt(offset) {
    let t = this.starts.length - 1;
    while (this.starts[t] > offset) t -= 1;
    return t;
  }
}

/** A StreamSink that folds one client's result into a {@link WeightedSum}; `done` resolves when the transfer completed. */
export class AccumulateSink {
  constructor({ sum, weight, totalBytes }) {
    if (totalBytes !== sum.totalBytes) throw new Error(`result of ${totalBytes} bytes, the global model has ${sum.totalBytes}`);
    this.sum = sum;
    this.weight = weight;
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.done.catch(() => undefined);
  }

  write(chunk, offset) {
    this.sum.add(chunk, offset, this.weight);
  }

  complete() {
    this.settle.resolve(performance.now());
  }

  abort(error) {
    this.settle.reject(error);
  }
}
