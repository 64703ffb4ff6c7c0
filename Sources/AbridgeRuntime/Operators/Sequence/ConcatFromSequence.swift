import AbridgeIR

/// `ConcatFromSequence` (onnx.ai/onnx/operators/onnx__ConcatFromSequence.html, since-version 11):
/// the tensors of `input_sequence` concatenated along `axis`, or, with `new_axis` = 1, stacked
/// along a new axis at `axis` (which may then be in `[-r-1, r]`).
enum ConcatFromSequenceOp {
    static let sinceVersions = [11]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        guard let axis = try context.attributes.int("axis").map({ Int(clamping: $0) }) else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "axis", reason: "required attribute is missing")
        }
        let newAxis = try context.attributes.int("new_axis", default: 0) != 0
        return ClosureKernel { inputs, _ in
            let s = try SequenceInputs.sequence(inputs, 0, "ConcatFromSequence")
            guard let first = s.first else { throw RuntimeError.invalidInput(node: "", reason: "ConcatFromSequence: the sequence is empty") }
            if !newAxis { return [.tensor(try ConcatOp.apply(s, axis: axis))] }
            let a = try NumericDispatch.axis(axis, rank: first.rank + 1, "ConcatFromSequence")
            let expanded = s.map { t -> RuntimeTensor in var shape = t.shape; shape.insert(1, at: Swift.min(a, shape.count)); return t.reshaped(shape) }
            return [.tensor(try ConcatOp.apply(expanded, axis: a))]
        }
    }
}
