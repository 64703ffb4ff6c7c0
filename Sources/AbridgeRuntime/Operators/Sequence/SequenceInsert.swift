import AbridgeIR

/// `SequenceInsert` (onnx.ai/onnx/operators/onnx__SequenceInsert.html, since-version 11):
/// `input_sequence` with `tensor` inserted at `position` (default: the end; negative from the
/// back).
enum SequenceInsertOp {
    static let sinceVersions = [11]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            var s = try SequenceInputs.sequence(inputs, 0, "SequenceInsert")
            let t = try inputs.tensor(1, "tensor")
            if let f = s.first, f.dataType != t.dataType { throw RuntimeError.typeMismatch("SequenceInsert: tensor type differs from the sequence's") }
            let p = try SequenceInputs.position(try inputs.optionalTensor(2), count: s.count, default: s.count, allowEnd: true, "SequenceInsert")
            s.insert(t, at: p)
            return [.sequence(s)]
        }
    }
}
