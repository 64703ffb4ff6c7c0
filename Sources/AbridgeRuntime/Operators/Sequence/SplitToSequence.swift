import AbridgeIR

/// `SplitToSequence` (onnx.ai/onnx/operators/onnx__SplitToSequence.html, since-versions 11, 24):
/// splits `input` along `axis` into a sequence: by the sizes in a 1-D `split`, into chunks of a
/// scalar `split` (the last one smaller), or, without `split`, into size-1 pieces whose axis is
/// removed unless `keepdims` = 1 (default).
enum SplitToSequenceOp {
    static let sinceVersions = [11, 24]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let axis = Int(clamping: try context.attributes.int("axis", default: 0))
        let keepDims = try context.attributes.int("keepdims", default: 1) != 0
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            let a = try NumericDispatch.axis(axis, rank: x.rank, "SplitToSequence")
            let d = x.shape[a]
            guard let split = try inputs.optionalTensor(1) else {
                let pieces = try SplitOp.pieces(x, axis: a, sizes: [Int](repeating: 1, count: d))
                if keepDims { return [.sequence(pieces)] }
                return [.sequence(pieces.map { p in var s = p.shape; s.remove(at: a); return p.reshaped(s) })]
            }
            let values = try NumericDispatch.ints(split)
            var sizes: [Int]
            if split.rank == 0 {
                guard let chunk = values.first, chunk > 0 else { throw RuntimeError.invalidInput(node: "", reason: "SplitToSequence: split must be positive") }
                sizes = [Int](repeating: chunk, count: d / chunk)
                if d % chunk != 0 { sizes.append(d % chunk) }
            } else {
                sizes = values
            }
            guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == d else {
                throw RuntimeError.invalidInput(node: "", reason: "SplitToSequence: sizes \(sizes) do not add up to \(d)")
            }
            return [.sequence(try SplitOp.pieces(x, axis: a, sizes: sizes))]
        }
    }
}
