import AbridgeIR

/// `GatherND` (onnx.ai/onnx/operators/onnx__GatherND.html, since-versions 11, 12, 13): slices of
/// `data` addressed by the last axis of `indices` (k coordinates each, negative from the back),
/// after `batch_dims` (opset 12) leading batch axes shared by both. Output shape
/// `indices.shape[..<-1] + data.shape[batch_dims + k...]`. Any element type.
enum GatherNDOp {
    static let sinceVersions = [11, 12, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let batchDims = Int(clamping: try context.attributes.int("batch_dims", default: 0))
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "data"), indices = try inputs.tensor(1, "indices")
            let (blocks, sliceSize, shape) = try NDIndexing.resolve(dataShape: x.shape, indices: indices, batchDims: batchDims, op: "GatherND")
            var offsets = [Int](); offsets.reserveCapacity(blocks.count * sliceSize)
            for b in blocks { for j in 0..<sliceSize { offsets.append(b + j) } }
            return [.tensor(try ElementIndexing.gather(x, offsets: offsets, shape: shape))]
        }
    }
}

/// Index resolution of GatherND and ScatterND.
enum NDIndexing {
    /// The starting data offset of every addressed slice, the slice size, and the gathered shape.
    static func resolve(dataShape: [Int], indices: RuntimeTensor, batchDims b: Int, op: String) throws -> ([Int], Int, [Int]) {
        guard indices.rank >= 1, let k = indices.shape.last, b >= 0, b < indices.rank, b + k <= dataShape.count,
              Array(dataShape.prefix(b)) == Array(indices.shape.prefix(b)) else {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): indices \(indices.shape) do not fit data \(dataShape) with batch_dims \(b)")
        }
        let values = try indices.int64Values()
        let strides = StridedCopy.strides(dataShape)
        let sliceSize = dataShape[(b + k)...].reduce(1, *)
        let batch = dataShape.prefix(b).reduce(1, *)
        let batchStride = b == 0 ? 0 : strides[b - 1]
        let tuples = k == 0 ? indices.count : values.count / k
        let perBatch = tuples / Swift.max(batch, 1)
        var blocks = [Int](repeating: 0, count: tuples)
        for t in 0..<tuples {
            var o = (perBatch == 0 ? 0 : t / perBatch) * batchStride
            for j in 0..<k {
                let dim = dataShape[b + j]
                let v = values[t * k + j]
                let i = v < 0 ? Int(v) + dim : Int(clamping: v)
                guard i >= 0 && i < dim else { throw RuntimeError.invalidInput(node: "", reason: "\(op): index \(v) is out of range for axis \(b + j) of size \(dim)") }
                o += i * strides[b + j]
            }
            blocks[t] = o
        }
        let shape = Array(indices.shape.dropLast()) + Array(dataShape[(b + k)...])
        return (blocks, sliceSize, shape)
    }
}
