import AbridgeIR
import AbridgeKernels

/// `Where` (onnx.ai/onnx/operators/onnx__Where.html, since-versions 9, 16): `condition ? X : Y`
/// element-wise with numpy broadcasting of all three. X and Y of one type (any type, STRING
/// included; copied by element size, so every numeric type works).
enum WhereOp {
    static let sinceVersions = [9, 16]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let c = try inputs.tensor(0, "condition"), x = try inputs.tensor(1, "X"), y = try inputs.tensor(2, "Y")
            guard c.dataType == .bool else { throw RuntimeError.typeMismatch("Where: condition must be bool, got \(c.dataType.shortName)") }
            guard x.dataType == y.dataType else { throw RuntimeError.typeMismatch("Where: X is \(x.dataType.shortName), Y is \(y.dataType.shortName)") }
            return [.tensor(try apply(c, x, y))]
        }
    }

    static func apply(_ c: RuntimeTensor, _ x: RuntimeTensor, _ y: RuntimeTensor) throws -> RuntimeTensor {
        let shape = try FloatOperand.guarded("Where") { try Broadcast.shape(of: [c.shape, x.shape, y.shape]) }
        if x.dataType == .string {
            let xs = x.strings ?? [], ys = y.strings ?? []
            _ = try RuntimeTensor.checkedByteCount(shape: shape, elementSize: MemoryLayout<String>.stride, what: "the STRING output of shape \(shape)")
            var out = [String](repeating: "", count: try StridedCopy.count(shape))
            try c.withUnsafeBuffer(as: Bool.self) { pc in
                try xs.withUnsafeBufferPointer { px in
                    try ys.withUnsafeBufferPointer { py in
                        try out.withUnsafeMutableBufferPointer { po in
                            try FloatOperand.guarded("Where") {
                                try Broadcast.ternary(UnsafeBufferPointer(rebasing: pc[0..<c.count]), c.shape, px, x.shape, py, y.shape, into: po) { $0 ? $1 : $2 }
                            }
                        }
                    }
                }
            }
            return RuntimeTensor(strings: out, shape: shape)
        }
        switch RuntimeTensor.elementSize(x.dataType) {
        case 1: return try select(c, x, y, shape, UInt8.self)
        case 2: return try select(c, x, y, shape, UInt16.self)
        case 4: return try select(c, x, y, shape, UInt32.self)
        case 8: return try select(c, x, y, shape, UInt64.self)
        case 16: return try select(c, x, y, shape, SIMD2<UInt64>.self)
        default: throw NumericDispatch.unsupported("Where", x.dataType)
        }
    }

    static func select<T>(_ c: RuntimeTensor, _ x: RuntimeTensor, _ y: RuntimeTensor, _ shape: [Int], _: T.Type) throws -> RuntimeTensor {
        let out = try RuntimeTensor.allocate(x.dataType, shape)
        try FloatOperand.guarded("Where") {
            try c.withUnsafeBuffer(as: Bool.self) { pc in
                try x.withUnsafeBuffer(as: T.self) { px in
                    try y.withUnsafeBuffer(as: T.self) { py in
                        try out.withUnsafeMutableBuffer(as: T.self) { po in
                            try Broadcast.ternary(pc, c.shape, px, x.shape, py, y.shape, into: po) { $0 ? $1 : $2 }
                        }
                    }
                }
            }
        }
        return out
    }
}
