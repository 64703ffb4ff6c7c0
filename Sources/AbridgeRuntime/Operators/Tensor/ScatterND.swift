import AbridgeIR

/// `ScatterND` (onnx.ai/onnx/operators/onnx__ScatterND.html, since-versions 11, 13, 16, 18): a
/// copy of `data` whose slices addressed by the last axis of `indices` are replaced by (or, with
/// `reduction` add/mul from opset 16 and max/min from 18, combined with) the matching slices of
/// `updates` (shape `indices.shape[..<-1] + data.shape[k...]`), in index order.
enum ScatterNDOp {
    static let sinceVersions = [11, 13, 16, 18]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let reduction = try ElementIndexing.reduction(context)
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "data"), indices = try inputs.tensor(1, "indices"), updates = try inputs.tensor(2, "updates")
            let (blocks, sliceSize, shape) = try NDIndexing.resolve(dataShape: x.shape, indices: indices, batchDims: 0, op: "ScatterND")
            guard updates.shape == shape else {
                throw RuntimeError.invalidInput(node: "", reason: "ScatterND: updates \(updates.shape), expected \(shape)")
            }
            var offsets = [Int](); offsets.reserveCapacity(blocks.count * sliceSize)
            for b in blocks { for j in 0..<sliceSize { offsets.append(b + j) } }
            return [.tensor(try ElementIndexing.scatter(x, offsets: offsets, updates: updates, reduction: reduction, op: "ScatterND"))]
        }
    }
}
