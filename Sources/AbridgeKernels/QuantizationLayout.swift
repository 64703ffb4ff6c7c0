/// Integer types of ONNX QuantizeLinear/DequantizeLinear and their saturation ranges (QuantizeLinear page,
/// opset 25). Sub-byte types are computed one value per byte (`Int8`/`UInt8`) and packed with `SubByte`.
public enum QuantizedIntegerType: String, Sendable, CaseIterable {
    /// The ONNX element types UINT8, INT8, UINT16, INT16, UINT4, INT4, UINT2, INT2.
    case uint8, int8, uint16, int16, uint4, int4, uint2, int2

    /// Saturation range: uint8 [0, 255], int8 [-128, 127], uint16 [0, 65535], int16 [-32768, 32767],
    /// uint4 [0, 15], int4 [-8, 7], uint2 [0, 3], int2 [-2, 1].
    public var range: ClosedRange<Int32> {
        switch self {
        case .uint8: return 0...255
        case .int8: return -128...127
        case .uint16: return 0...65535
        case .int16: return -32768...32767
        case .uint4: return 0...15
        case .int4: return -8...7
        case .uint2: return 0...3
        case .int2: return -2...1
        }
    }
}

/// Which scale / zero point applies to which element (QuantizeLinear/DequantizeLinear opset 21+):
/// per-tensor (scalar scale), per-axis (1-D scale of length `D_axis`), or blocked (scale shaped like X
/// with `D_axis` replaced by `ceil(D_axis / blockSize)`).
public enum QuantizationGranularity: Sendable, Equatable {
    /// One scale for the whole tensor (scale shape `[]`).
    case perTensor
    /// One scale per index along `axis` (scale shape `[D_axis]`).
    case perAxis(axis: Int)
    /// One scale per `blockSize` consecutive elements along `axis`.
    case blocked(axis: Int, blockSize: Int)

    /// Shape the scale and zero point must have for an input of `shape`.
    /// - Throws: `KernelError.invalidArgument` for a bad axis or block size.
    public func parameterShape(for shape: [Int]) throws -> [Int] {
        switch self {
        case .perTensor: return []
        case .perAxis(let axis):
            let a = try ShapeMath.normalizeAxis(axis, rank: shape.count, kernel: "QuantizeLinear")
            return [shape[a]]
        case .blocked(let axis, let blockSize):
            let a = try ShapeMath.normalizeAxis(axis, rank: shape.count, kernel: "QuantizeLinear")
            guard blockSize > 0 else {
                throw KernelError.invalidArgument(kernel: "QuantizeLinear", message: "block_size \(blockSize) must be > 0")
            }
            var s = shape
            s[a] = (shape[a] + blockSize - 1) / blockSize
            return s
        }
    }

    /// `(outer, axisLength, inner, blocks, blockSize)` view used to index parameters.
    @usableFromInline
    func layout(_ shape: [Int]) throws -> ParameterLayout {
        switch self {
        case .perTensor:
            let n = try ShapeMath.elementCount(shape, kernel: "QuantizeLinear")
            return ParameterLayout(outer: 1, axisLength: 1, inner: n, blockSize: 1, parameters: 1, perElement: false)
        case .perAxis(let axis):
            let a = try ShapeMath.normalizeAxis(axis, rank: shape.count, kernel: "QuantizeLinear")
            return ParameterLayout(outer: ShapeMath.product(shape, 0..<a), axisLength: shape[a],
                                   inner: ShapeMath.product(shape, (a + 1)..<shape.count), blockSize: 1,
                                   parameters: shape[a], perElement: false)
        case .blocked(let axis, let blockSize):
            let p = try parameterShape(for: shape)
            let a = try ShapeMath.normalizeAxis(axis, rank: shape.count, kernel: "QuantizeLinear")
            return ParameterLayout(outer: ShapeMath.product(shape, 0..<a), axisLength: shape[a],
                                   inner: ShapeMath.product(shape, (a + 1)..<shape.count), blockSize: blockSize,
                                   parameters: try ShapeMath.elementCount(p, kernel: "QuantizeLinear"), perElement: true)
        }
    }
}

/// Flat view `[outer, axisLength, inner]` of a tensor and how parameter indices follow from it.
@usableFromInline
struct ParameterLayout {
    @usableFromInline let outer: Int, axisLength: Int, inner: Int, blockSize: Int, parameters: Int
    /// Blocked layouts index parameters by `(outer, block, inner)`; per-axis by the axis coordinate only.
    @usableFromInline let perElement: Bool

    @usableFromInline var blocks: Int { (axisLength + blockSize - 1) / blockSize }

    /// Calls `body(range, parameterIndex)` for runs of consecutive elements sharing one parameter.
    @inlinable
    func forEachRun(_ body: (Range<Int>, Int) -> Void) {
        for o in 0..<outer {
            for a in 0..<axisLength {
                let start = (o * axisLength + a) * inner
                if perElement {
                    let base = (o * blocks + a / blockSize) * inner
                    for i in 0..<inner { body((start + i)..<(start + i + 1), base + i) }
                } else {
                    body(start..<(start + inner), parameters == 1 ? 0 : a)
                }
            }
        }
    }
}
