/// Keep-masks for magnitude pruning: which weights survive.
///
/// Ties in magnitude are broken by position (the earlier element is pruned first), so the same
/// weights and options always give the same mask.
enum MagnitudeMask {
    /// Unstructured masks: exactly `round(sparsity · n)` weights with the smallest `|w|` are
    /// removed, per tensor (`global == false`) or across all tensors together (one threshold for
    /// the whole model, so layers with many small weights lose more).
    /// - Returns: one keep-mask per tensor, same lengths as `tensors`.
    static func unstructured(_ tensors: [[Float]], sparsity: Double, global: Bool) -> [[Bool]] {
        if !global {
            return tensors.map { w in
                let k = Int((sparsity * Double(w.count)).rounded())
                var keep = [Bool](repeating: true, count: w.count)
                let order = w.indices.sorted { (abs(w[$0]), $0) < (abs(w[$1]), $1) }
                for i in order.prefix(k) { keep[i] = false }
                return keep
            }
        }
        var all: [(Float, Int, Int)] = []
        for (t, w) in tensors.enumerated() { for (i, x) in w.enumerated() { all.append((abs(x), t, i)) } }
        let k = Int((sparsity * Double(all.count)).rounded())
        all.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        var keeps = tensors.map { [Bool](repeating: true, count: $0.count) }
        for e in all.prefix(k) { keeps[e.1][e.2] = false }
        return keeps
    }

    /// Per-output-channel masks: within each output channel (all weights with the same index on
    /// `outputAxis`: a Conv filter, a Gemm/MatMul output column), exactly `round(sparsity · n)` of
    /// its `n` weights with the smallest `|w|` are removed, so every output keeps the same share of
    /// its inputs. This is the per-output comparison group of Wanda (Sun et al. 2023, "A Simple
    /// and Effective Pruning Approach for Large Language Models", §3) with plain magnitudes: on
    /// transformers, whose output columns have very different scales, one threshold per layer
    /// empties whole columns (tiny-lm at 50%: perplexity 26.0 per layer, 6.3 per output).
    static func perOutput(_ w: [Float], dims: [Int], outputAxis: Int, sparsity: Double) -> [Bool] {
        guard outputAxis >= 0, outputAxis < dims.count, !w.isEmpty else {
            return unstructured([w], sparsity: sparsity, global: false)[0]
        }
        let inner = dims[(outputAxis + 1)...].reduce(1, *), len = dims[outputAxis]
        var groups = [[Int]](repeating: [], count: len)
        for i in w.indices { groups[(i / inner) % len].append(i) }
        var keep = [Bool](repeating: true, count: w.count)
        for g in groups {
            let k = Int((sparsity * Double(g.count)).rounded())
            let order = g.sorted { (abs(w[$0]), $0) < (abs(w[$1]), $1) }
            for i in order.prefix(k) { keep[i] = false }
        }
        return keep
    }

    /// N:M mask: along `axis` of a tensor with `dims`, every run of `m` consecutive weights keeps
    /// its `n` largest `|w|`.
    /// - Throws: `PruningError.unsupportedTensor` when the axis length is not a multiple of `m`.
    static func nOfM(_ w: [Float], dims: [Int], axis: Int, n: Int, m: Int, name: String) throws -> [Bool] {
        guard axis >= 0, axis < dims.count else {
            throw PruningError.unsupportedTensor(name: name, reason: "no reduction axis \(axis) in dims \(dims)")
        }
        guard dims[axis] % m == 0 else {
            throw PruningError.unsupportedTensor(name: name, reason: "reduction axis \(axis) has length \(dims[axis]), not a multiple of M = \(m) (dims \(dims)); exclude this layer or choose another pattern")
        }
        var keep = [Bool](repeating: false, count: w.count)
        for line in axisLines(dims: dims, axis: axis) {
            var start = 0
            while start < line.count {
                let group = line[start..<(start + m)]
                let ranked = group.sorted { (abs(w[$0]), $0) > (abs(w[$1]), $1) }
                for i in ranked.prefix(n) { keep[i] = true }
                start += m
            }
        }
        return keep
    }
}
