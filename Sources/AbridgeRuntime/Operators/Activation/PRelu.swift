import AbridgeIR
import AbridgeKernels

/// `PRelu` (onnx.ai/onnx/operators/onnx__PRelu.html, since-versions 1, 6, 7, 9, 16):
/// Y = X < 0 ? slope * X : X, with `slope` unidirectionally broadcastable to X (opset 7+; the
/// numpy rule also covers the older per-channel `[C]` slopes once aligned to X's trailing axes).
/// Float types, and the integer types of opset 9+/16.
enum PRelu {
    static let sinceVersions = [1, 6, 7, 9, 16]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "X"), slope = try inputs.tensor(1, "slope")
            let shape = try FloatOperand.guarded("PRelu") { try Broadcast.shape(x.shape, slope.shape) }
            guard shape == x.shape else {
                throw RuntimeError.invalidInput(node: "", reason: "PRelu: slope \(slope.shape) is not unidirectionally broadcastable to X \(x.shape)")
            }
            switch x.dataType {
            case .int32: return [.tensor(try integer(x, slope, Int32.self))]
            case .int64: return [.tensor(try integer(x, slope, Int64.self))]
            default: break
            }
            try FloatOperand.check(x, "PRelu X")
            let wx = try FloatOperand.widened(x)
            let ws = wx.dataType == .double ? slope : try FloatOperand.asFloat(slope, "slope")
            guard ws.dataType == wx.dataType else { throw RuntimeError.typeMismatch("PRelu: slope \(slope.dataType.shortName) differs from X \(x.dataType.shortName)") }
            let y = try RuntimeTensor.allocate(wx.dataType, wx.shape)
            try FloatOperand.guarded("PRelu") {
                if wx.dataType == .double { try compute(wx, ws, y, Double.self) } else { try compute(wx, ws, y, Float.self) }
            }
            return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
        }
    }

    static func compute<T: KernelFloat>(_ x: RuntimeTensor, _ s: RuntimeTensor, _ y: RuntimeTensor, _: T.Type) throws {
        try x.withUnsafeBuffer(as: T.self) { px in
            try s.withUnsafeBuffer(as: T.self) { ps in
                try y.withUnsafeMutableBuffer(as: T.self) { py in
                    try Broadcast.binary(px, x.shape, ps, s.shape, into: py) { v, a in v < 0 ? a * v : v }
                }
            }
        }
    }

    static func integer<T: FixedWidthInteger>(_ x: RuntimeTensor, _ s: RuntimeTensor, _: T.Type) throws -> RuntimeTensor {
        guard s.dataType == x.dataType else { throw RuntimeError.typeMismatch("PRelu: slope \(s.dataType.shortName) differs from X \(x.dataType.shortName)") }
        let y = try RuntimeTensor.allocate(x.dataType, x.shape)
        try FloatOperand.guarded("PRelu") {
            try x.withUnsafeBuffer(as: T.self) { px in
                try s.withUnsafeBuffer(as: T.self) { ps in
                    try y.withUnsafeMutableBuffer(as: T.self) { py in
                        try Broadcast.binary(px, x.shape, ps, s.shape, into: py) { v, a in v < 0 ? a &* v : v }
                    }
                }
            }
        }
        return y
    }
}
