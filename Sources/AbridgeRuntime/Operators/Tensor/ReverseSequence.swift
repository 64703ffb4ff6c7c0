import AbridgeIR

/// `ReverseSequence` (onnx.ai/onnx/operators/onnx__ReverseSequence.html, since-version 10):
/// for each batch entry b (along `batch_axis`, default 1), reverses the first
/// `sequence_lens[b]` elements along `time_axis` (default 0); the rest is copied.
enum ReverseSequenceOp {
    static let sinceVersions = [10]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let batchAxis = Int(clamping: try context.attributes.int("batch_axis", default: 1))
        let timeAxis = Int(clamping: try context.attributes.int("time_axis", default: 0))
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            let lens = try NumericDispatch.ints(try inputs.tensor(1, "sequence_lens"))
            let ba = try NumericDispatch.axis(batchAxis, rank: x.rank, "ReverseSequence")
            let ta = try NumericDispatch.axis(timeAxis, rank: x.rank, "ReverseSequence")
            guard ba != ta, lens.count == x.shape[ba] else {
                throw RuntimeError.invalidInput(node: "", reason: "ReverseSequence: sequence_lens has \(lens.count) entries for batch axis of size \(x.shape[ba])")
            }
            let strides = StridedCopy.strides(x.shape)
            var offsets = [Int](); offsets.reserveCapacity(x.count)
            try StridedCopy.forEachOffset(offset: 0, strides: strides, shape: x.shape) { o in
                let b = (o / strides[ba]) % x.shape[ba], t = (o / strides[ta]) % x.shape[ta]
                let len = Swift.min(Swift.max(lens[b], 0), x.shape[ta])
                offsets.append(t < len ? o + (len - 1 - 2 * t) * strides[ta] : o)
            }
            return [.tensor(try ElementIndexing.gather(x, offsets: offsets, shape: x.shape))]
        }
    }
}
