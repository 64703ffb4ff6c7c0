import AbridgeIR
import AbridgeKernels

/// `Concat` (onnx.ai/onnx/operators/onnx__Concat.html, since-versions 1, 4, 11, 13): joins the
/// inputs along `axis` (negative from opset 11); all other dimensions must match. Any element
/// type; empty inputs contribute nothing.
enum ConcatOp {
    static let sinceVersions = [1, 4, 11, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let axis = Int(clamping: try context.attributes.int("axis", default: context.opset < 4 ? 1 : 0))
        return ClosureKernel { inputs, _ in
            let tensors = try (0..<inputs.count).map { try inputs.tensor($0, "inputs") }
            return [.tensor(try apply(tensors, axis: axis))]
        }
    }

    /// Concatenation of `tensors` along `axis`.
    /// - Throws: `RuntimeError.invalidInput` for mismatched types, ranks or dimensions.
    static func apply(_ tensors: [RuntimeTensor], axis: Int) throws -> RuntimeTensor {
        guard let first = tensors.first else { throw RuntimeError.invalidInput(node: "", reason: "Concat needs at least one input") }
        let rank = first.rank
        let a = try NumericDispatch.axis(axis, rank: rank, "Concat")
        var shape = first.shape
        shape[a] = 0
        for t in tensors {
            guard t.dataType == first.dataType, t.rank == rank else {
                throw RuntimeError.invalidInput(node: "", reason: "Concat: inputs differ in type or rank (\(first.dataType.shortName) \(first.shape) vs \(t.dataType.shortName) \(t.shape))")
            }
            for d in 0..<rank where d != a && t.shape[d] != first.shape[d] {
                throw RuntimeError.invalidInput(node: "", reason: "Concat: input shapes \(first.shape) and \(t.shape) differ outside axis \(axis)")
            }
            shape[a] += t.shape[a]
        }
        let outer = first.shape[..<a].reduce(1, *)
        let blocks = tensors.map { $0.shape[a...].reduce(1, *) }
        let row = blocks.reduce(0, +)
        if first.dataType == .string {
            var out = [String](); out.reserveCapacity(outer * row)
            for o in 0..<outer {
                for (t, b) in zip(tensors, blocks) where b > 0 {
                    let s = t.strings ?? []
                    out.append(contentsOf: s[(o * b)..<((o + 1) * b)])
                }
            }
            return RuntimeTensor(strings: out, shape: shape)
        }
        let out = try RuntimeTensor.allocate(first.dataType, shape)
        guard let size = RuntimeTensor.elementSize(first.dataType), outer * row > 0 else { return out }
        let dst = out.storage.base
        ParallelFor.run(outer, minChunk: max(1, 65536 / max(1, row * size))) { range in
            for o in range {
                var position = o * row * size
                for (t, b) in zip(tensors, blocks) where b > 0 {
                    (dst + position).copyMemory(from: t.storage.base + o * b * size, byteCount: b * size)
                    position += b * size
                }
            }
        }
        return out
    }
}
