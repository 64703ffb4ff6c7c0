import AbridgeIR

/// `ScatterElements` (onnx.ai/onnx/operators/onnx__ScatterElements.html, since-versions 11, 13,
/// 16, 18) and the deprecated `Scatter` (onnx__Scatter.html, since-version 9): a copy of `data`
/// where, for each position p of `indices`, the element at p with the `axis` coordinate
/// replaced by `indices[p]` becomes `updates[p]`, or is combined with it by `reduction` (add,
/// mul from opset 16; max, min from 18). Updates apply in index order.
enum ScatterElementsOp {
    static let sinceVersions = [11, 13, 16, 18]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let axis = Int(clamping: try context.attributes.int("axis", default: 0))
        let reduction = try ElementIndexing.reduction(context)
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "data"), indices = try inputs.tensor(1, "indices"), updates = try inputs.tensor(2, "updates")
            guard indices.rank == x.rank, updates.shape == indices.shape else {
                throw RuntimeError.invalidInput(node: "", reason: "ScatterElements: data \(x.shape), indices \(indices.shape) and updates \(updates.shape) do not fit")
            }
            let a = try NumericDispatch.axis(axis, rank: x.rank, "ScatterElements")
            let offsets = try ElementIndexing.offsets(dataShape: x.shape, indexShape: indices.shape, indices: try indices.int64Values(), axis: a, op: "ScatterElements")
            return [.tensor(try ElementIndexing.scatter(x, offsets: offsets, updates: updates, reduction: reduction, op: "ScatterElements"))]
        }
    }
}
