import AbridgeIR

/// `Reshape` (onnx.ai/onnx/operators/onnx__Reshape.html, since-versions 1, 5, 13, 14, 19, 21, 23,
/// 24, 25): the elements of `data` with a new shape (no copy). Before opset 5 the shape is the
/// `shape` attribute, afterwards the `shape` input. A 0 copies the input's dimension at that
/// index (unless `allowzero` = 1, opset 14+, where 0 means an empty dimension); one -1 is
/// inferred from the element count.
public enum ReshapeOp {
    static let sinceVersions = [1, 5, 13, 14, 19, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let allowZero = try context.attributes.int("allowzero", default: 0) != 0
        let attributeShape = context.opset < 5 ? try context.attributes.ints("shape")?.map { Int(clamping: $0) } : nil
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "data")
            let requested: [Int]
            if let attributeShape { requested = attributeShape } else { requested = try NumericDispatch.ints(try inputs.tensor(1, "shape")) }
            return [.tensor(x.reshaped(try outputShape(x.shape, requested, allowZero: allowZero)))]
        }
    }

    /// Resolves 0 and -1 entries of `requested` against `input` (also used by the training
    /// kernels of AbridgeDistillation).
    /// - Throws: `RuntimeError.invalidShape` when the counts cannot match.
    public static func outputShape(_ input: [Int], _ requested: [Int], allowZero: Bool) throws -> [Int] {
        var shape = requested
        var inferred: Int? = nil
        for (i, d) in requested.enumerated() {
            if d == 0 && !allowZero {
                guard i < input.count else { throw RuntimeError.invalidShape("Reshape: 0 at index \(i) but the input \(input) has rank \(input.count)") }
                shape[i] = input[i]
            } else if d == -1 {
                guard inferred == nil else { throw RuntimeError.invalidShape("Reshape: more than one -1 in \(requested)") }
                inferred = i
            } else if d < 0 {
                throw RuntimeError.invalidShape("Reshape: invalid dimension \(d) in \(requested)")
            }
        }
        let total = input.reduce(1) { $0 &* $1 }
        var known = 1
        for (i, d) in shape.enumerated() where i != inferred {
            let (p, o) = known.multipliedReportingOverflow(by: d)
            guard !o else { throw RuntimeError.invalidShape("Reshape: \(requested) is too large") }
            known = p
        }
        if let k = inferred {
            guard known != 0, total % known == 0 else {
                throw RuntimeError.invalidShape("Reshape: cannot reshape \(input) to \(requested)")
            }
            shape[k] = total / known
        } else if known != total {
            throw RuntimeError.invalidShape("Reshape: cannot reshape \(input) (\(total) elements) to \(requested) (\(known) elements)")
        }
        return shape
    }
}
