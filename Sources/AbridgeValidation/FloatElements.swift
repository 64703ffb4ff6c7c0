import AbridgeIR
import AbridgeRuntime

/// Reads a numeric tensor's elements as `Float` for the metrics.
enum FloatElements {
    /// Types whose elements `RuntimeTensor.floatValues()` converts.
    static func isNumeric(_ t: DataType) -> Bool {
        t == .float || t == .double || t == .float16 || t == .bfloat16 || t.isInteger || t == .bool
    }

    /// Calls `body` with the elements as `Float`, without copying FLOAT tensors.
    /// - Throws: `RuntimeError.typeMismatch` for non-numeric tensors.
    static func with<R>(_ t: RuntimeTensor, _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        if t.dataType == .float {
            return try t.withUnsafeBuffer(as: Float.self) { try body(UnsafeBufferPointer(rebasing: $0.prefix(t.count))) }
        }
        let values = try t.floatValues()
        return try values.withUnsafeBufferPointer { try body($0) }
    }
}
