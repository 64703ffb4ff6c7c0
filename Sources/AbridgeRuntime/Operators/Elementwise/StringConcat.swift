import AbridgeIR
import AbridgeKernels

/// `StringConcat` (onnx.ai/onnx/operators/onnx__StringConcat.html, since-version 20): `X + Y`
/// element-wise for STRING tensors, with numpy broadcasting.
enum StringConcatOp {
    static let sinceVersions = [20]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let a = try inputs.tensor(0, "X"), b = try inputs.tensor(1, "Y")
            guard a.dataType == .string, b.dataType == .string else { throw RuntimeError.typeMismatch("StringConcat needs STRING inputs") }
            let x = a.strings ?? [], y = b.strings ?? []
            let shape = try FloatOperand.guarded("StringConcat") { try Broadcast.shape(a.shape, b.shape) }
            _ = try RuntimeTensor.checkedByteCount(shape: shape, elementSize: MemoryLayout<String>.stride, what: "the STRING output of shape \(shape)")
            var out = [String](repeating: "", count: try StridedCopy.count(shape))
            try x.withUnsafeBufferPointer { px in
                try y.withUnsafeBufferPointer { py in
                    try out.withUnsafeMutableBufferPointer { po in
                        try FloatOperand.guarded("StringConcat") { try Broadcast.binary(px, a.shape, py, b.shape, into: po) { $0 + $1 } }
                    }
                }
            }
            return [.tensor(RuntimeTensor(strings: out, shape: shape))]
        }
    }
}
