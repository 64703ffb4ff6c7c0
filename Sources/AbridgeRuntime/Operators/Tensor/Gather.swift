import AbridgeIR

/// `Gather` (onnx.ai/onnx/operators/onnx__Gather.html, since-versions 1, 11, 13): entries of
/// `data` along `axis` at `indices` (INT32/INT64, negative values count from the back from
/// opset 11). Output shape `data.shape[..<axis] + indices.shape + data.shape[axis+1...]`; each
/// entry is a contiguous block copy. Any element type.
enum GatherOp {
    static let sinceVersions = [1, 11, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let axis = Int(clamping: try context.attributes.int("axis", default: 0))
        return ClosureKernel { inputs, _ in
            [.tensor(try apply(try inputs.tensor(0, "data"), try inputs.tensor(1, "indices"), axis: axis))]
        }
    }

    static func apply(_ x: RuntimeTensor, _ indices: RuntimeTensor, axis: Int) throws -> RuntimeTensor {
        let a = try NumericDispatch.axis(axis, rank: x.rank, "Gather")
        let d = x.shape[a]
        let idx = try indices.int64Values()
        var positions = [Int](repeating: 0, count: idx.count)
        for (i, v) in idx.enumerated() {
            let p = v < 0 ? Int(v) + d : Int(clamping: v)
            guard p >= 0 && p < d else {
                throw RuntimeError.invalidInput(node: "", reason: "Gather: index \(v) is out of range for axis \(axis) of size \(d)")
            }
            positions[i] = p
        }
        let outer = x.shape[..<a].reduce(1, *), inner = x.shape[(a + 1)...].reduce(1, *)
        let shape = Array(x.shape[..<a]) + indices.shape + Array(x.shape[(a + 1)...])
        _ = try RuntimeTensor.checkedByteCount(shape: [outer, positions.count], elementSize: MemoryLayout<Int>.stride,
                                               what: "the \(outer) x \(positions.count) block list")
        var blocks = [Int](); blocks.reserveCapacity(outer * positions.count)
        for o in 0..<outer { for p in positions { blocks.append(o * d + p) } }
        if x.dataType == .string {
            let s = x.strings ?? []
            var out = [String](); out.reserveCapacity(blocks.count * inner)
            for b in blocks { out.append(contentsOf: s[(b * inner)..<((b + 1) * inner)]) }
            return RuntimeTensor(strings: out, shape: shape)
        }
        let out = try RuntimeTensor.allocate(x.dataType, shape)
        try StridedCopy.gatherBlocks(x, blockElements: inner, sourceBlocks: blocks, into: out)
        return out
    }
}
