import AbridgeIR
import AbridgeKernels

extension MiniFloatFormat {
    /// The small float format (float8, float6, float4) of an ONNX element type, or nil for other
    /// types (FLOAT8E8M0 has its own exponent-only encoding in `FloatFormats`).
    public init?(dataType: DataType) {
        switch dataType {
        case .float8e4m3fn: self = .float8E4M3FN
        case .float8e4m3fnuz: self = .float8E4M3FNUZ
        case .float8e5m2: self = .float8E5M2
        case .float8e5m2fnuz: self = .float8E5M2FNUZ
        case .float4e2m1: self = .float4E2M1
        case .float6e2m3: self = .float6E2M3
        case .float6e3m2: self = .float6E3M2
        default: return nil
        }
    }
}
