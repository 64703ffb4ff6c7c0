import AbridgeIR
import AbridgeKernels

/// Scale and zero-point handling shared by QuantizeLinear and DequantizeLinear: which element
/// types are quantized integers or small floats, how a parameter tensor maps onto X
/// (per-tensor, per-axis, blocked; QuantizeLinear page, opset 21+), and the parameters read once
/// per run in exact widened form.
struct QuantizationParameters {
    /// Granularity resolved against X's shape.
    let granularity: QuantizationGranularity
    /// Scales widened to Double (exact for every float type).
    let scales: [Double]
    /// `outer * axisLength * inner` view of X around the quantization axis.
    let outer: Int, axisLength: Int, inner: Int, blockSize: Int

    /// Resolves the granularity: `blockSize > 0` is blocked; a scale with one element (rank 0
    /// or 1) is per-tensor; a 1-D scale is per-axis along `axis` (opset 13+).
    /// - Throws: `RuntimeError.invalidInput` naming `op` when the scale's shape does not fit X.
    init(x shape: [Int], scale: RuntimeTensor, axis: Int, blockSize: Int, allowPerAxis: Bool, op: String) throws {
        if blockSize > 0 {
            granularity = .blocked(axis: axis, blockSize: blockSize)
        } else if scale.count == 1 && scale.rank <= 1 {
            granularity = .perTensor
        } else if scale.rank == 1 && allowPerAxis {
            granularity = .perAxis(axis: axis)
        } else {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): scale of shape \(scale.shape) must be a scalar\(allowPerAxis ? " or 1-D" : "") (or use block_size)")
        }
        let g = granularity
        let expected = try FloatOperand.guarded(op) { try g.parameterShape(for: shape) }
        let expectedCount = expected.reduce(1, *)
        guard scale.count == expectedCount, granularity == .perTensor || scale.shape == expected else {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): scale has shape \(scale.shape), expected \(expected) for input \(shape)")
        }
        switch granularity {
        case .perTensor:
            outer = 1; axisLength = 1; inner = shape.reduce(1, *); self.blockSize = 1
        case .perAxis(let a), .blocked(let a, _):
            let axis = a < 0 ? a + shape.count : a
            outer = shape[0..<axis].reduce(1, *); axisLength = shape[axis]; inner = shape[(axis + 1)...].reduce(1, *)
            self.blockSize = blockSize > 0 ? blockSize : 1
        }
        scales = try Self.doubles(scale, "scale")
    }

    /// Checks a zero point has the scale's shape.
    /// - Throws: `RuntimeError.invalidInput`.
    func check(zeroPoint z: RuntimeTensor, scale: RuntimeTensor, op: String) throws {
        guard z.count == scale.count else {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): zero point of shape \(z.shape) does not match scale \(scale.shape)")
        }
    }

    /// Calls `body(elements, firstParameter, parameterStep)` for each run of X's elements along
    /// the innermost axes: element `start + i` uses parameter `firstParameter + i * parameterStep`.
    @inline(__always)
    func forEachRun(_ body: (Range<Int>, Int, Int) -> Void) {
        switch granularity {
        case .perTensor:
            body(0..<inner, 0, 0)
        case .perAxis:
            for o in 0..<outer {
                for a in 0..<axisLength { let s = (o * axisLength + a) * inner; body(s..<(s + inner), a, 0) }
            }
        case .blocked:
            let blocks = (axisLength + blockSize - 1) / blockSize
            for o in 0..<outer {
                for a in 0..<axisLength {
                    let s = (o * axisLength + a) * inner
                    body(s..<(s + inner), (o * blocks + a / blockSize) * inner, 1)
                }
            }
        }
    }

    /// Elements of a float or integer tensor widened to Double (exact).
    static func doubles(_ t: RuntimeTensor, _ role: String) throws -> [Double] {
        switch t.dataType {
        case .double: return t.elements(as: Double.self)
        case .float: return t.elements(as: Float.self).map(Double.init)
        case .float16: return t.elements(as: Float16.self).map(Double.init)
        case .bfloat16: return t.elements(as: UInt16.self).map { Double(FloatFormats.decodeBFloat16($0)) }
        default:
            guard t.dataType.isInteger else { throw RuntimeError.typeMismatch("\(role) must be a float tensor, got \(t.dataType.shortName)") }
            return try t.int64Values().map(Double.init)
        }
    }

    /// The integer quantized type of `type`, or nil.
    static func integerType(_ type: DataType) -> QuantizedIntegerType? {
        switch type {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint4: return .uint4
        case .int4: return .int4
        case .uint2: return .uint2
        case .int2: return .int2
        default: return nil
        }
    }

    /// The small float format of `type`, or nil.
    static func floatFormat(_ type: DataType) -> MiniFloatFormat? {
        MiniFloatFormat(dataType: type)
    }
}
