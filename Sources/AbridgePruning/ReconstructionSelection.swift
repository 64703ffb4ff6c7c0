import AbridgeIR

/// Data-driven channel selection for structured pruning (`--selection reconstruction`, the
/// default with `--calibration`): the output channels of a layer are chosen so that the layer
/// *consuming* them, refit by least squares on the kept channels, reproduces its outputs in the
/// original model best (`RidgeAccumulator.selectGroups`: greedy backward elimination with exact
/// OBS-style updates; the criterion of ThiNet, Luo et al. 2017, and He et al. 2017).
///
/// Layer by layer in topological order: accumulate the consumer's `XᵀX`, `XᵀY` with `X` its
/// input in the pruned-so-far model (all channels of the layer still present) and `Y` its output
/// in the original; choose the channels; prune; then refit the consumer at once from the same
/// sums restricted to the kept columns (no second pass over the data), so the next layer's
/// selection sees the refit model (sequential reconstruction).
struct ReconstructionSelection {
    let recovery: LayerRecovery
    let source: LayerRecovery.Source
    /// The consumer's refit needs `D²` doubles and a `D³` inverse; larger layers fall back to norms.
    static let maxInputs = 4096

    /// The sums of the consumer, kept until its refit.
    struct Pending {
        let target: RefitTarget
        let accumulated: LayerRecovery.Accumulated
        let block: Int
    }

    /// Chooses the channels of a layer from its dry-run `plan`.
    /// - Returns: the channels to keep (ascending) and the consumer's pending refit, or why the
    ///   layer falls back to ranking by norm.
    func select(plan: ChannelPruner.Outcome, pruned: Model, original: (Node) -> Node?) throws
        -> Result<(keep: [Int], pending: Pending), SkipReason> {
        guard plan.consumers.count == 1, let consumer = plan.consumers.first else {
            return .failure(SkipReason("its channels feed \(plan.consumers.count) layers (reconstruction needs exactly one)"))
        }
        guard let block = plan.blocks[0], block >= 1 else {
            return .failure(SkipReason("the consuming layer \(consumer.label) has no matrix view"))
        }
        guard let oc = original(consumer) else { return .failure(SkipReason("the consuming layer has no original counterpart")) }
        let (cl, why) = PrunableLayer.classify(consumer)
        guard let layer = cl, let matrix = layer.matrix else {
            return .failure(SkipReason("the consuming layer \(consumer.label) is not a plain matrix product\(why.map { " (\($0))" } ?? "")"))
        }
        guard matrix.cols == plan.before * block else {
            return .failure(SkipReason("the consuming layer \(consumer.label) has \(matrix.cols) inputs, not \(plan.before) channels × \(block)"))
        }
        guard matrix.cols + 1 <= Self.maxInputs else {
            return .failure(SkipReason("the consuming layer \(consumer.label) has \(matrix.cols) inputs (more than \(Self.maxInputs))"))
        }
        let target = RefitTarget(node: consumer, original: oc, outputs: Array(0..<matrix.rows), mask: nil)
        let a: LayerRecovery.Accumulated
        switch try recovery.accumulate(target, pruned: pruned, source: source) {
        case .failure(let r): return .failure(SkipReason("the consuming layer \(consumer.label) cannot be refit: \(r.text)"))
        case .success(let x): a = x
        }
        let groups = (0..<plan.before).map { ch in Array((ch * block)..<((ch + 1) * block)) }
        let bias = a.bias == nil ? nil : matrix.cols
        guard let kept = a.acc.selectGroups(groups, keep: plan.kept.count, ridge: recovery.ridge, unregularized: bias) else {
            return .failure(SkipReason("the least-squares system of \(consumer.label) is singular"))
        }
        return .success((kept, Pending(target: target, accumulated: a, block: block)))
    }

    /// Refits the consumer after its input channels were cut to `kept`.
    func refit(_ p: Pending, kept: [Int]) -> RefitRecord {
        let node = p.target.node
        let (cl, why) = PrunableLayer.classify(node)
        guard let layer = cl, let matrix = layer.matrix else { return LayerRecovery.skipped(p.target, why ?? "no longer a matrix product") }
        var columns = kept.flatMap { ch in (ch * p.block)..<((ch + 1) * p.block) }
        guard columns.count == matrix.cols else { return LayerRecovery.skipped(p.target, "the pruned weight has \(matrix.cols) inputs, expected \(columns.count)") }
        if p.accumulated.bias != nil { columns.append(p.accumulated.acc.inputs - 1) }
        let a = LayerRecovery.Accumulated(label: p.accumulated.label, layer: layer, matrix: matrix, bias: p.accumulated.bias,
                                          acc: p.accumulated.acc.restricted(to: columns), nonFiniteRows: p.accumulated.nonFiniteRows)
        return recovery.solve(p.target, a)
    }
}
