/// Errors thrown by AbridgeKernels when a caller passes inconsistent shapes, buffers or parameters.
///
/// Every case carries a message naming the kernel and the offending values, so an interpreter can wrap it
/// with the node name and op type without re-deriving the cause.
public enum KernelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Shapes cannot be broadcast together under numpy rules (lists every input shape).
    case notBroadcastable(shapes: [[Int]])
    /// A buffer's element count does not match what its shape requires.
    case bufferSize(kernel: String, buffer: String, expected: Int, actual: Int)
    /// A shape is invalid for the kernel (wrong rank, negative or mismatched dimension).
    case invalidShape(kernel: String, message: String)
    /// A parameter (axis, stride, pad, permutation, ...) is out of range.
    case invalidArgument(kernel: String, message: String)
    /// A size computation overflowed `Int` or a BLAS 32-bit integer.
    case overflow(kernel: String, message: String)
    /// A scratch buffer would exceed `MemoryLimit.bytes` (nil bytes: the size overflows `Int`).
    case tooLarge(kernel: String, buffer: String, bytes: Int?)

    /// Human-readable message naming the kernel and the offending values.
    public var description: String {
        switch self {
        case .notBroadcastable(let shapes):
            return "shapes \(shapes.map { "\($0)" }.joined(separator: ", ")) are not broadcastable"
        case .bufferSize(let kernel, let buffer, let expected, let actual):
            return "\(kernel): buffer '\(buffer)' has \(actual) elements, expected \(expected)"
        case .invalidShape(let kernel, let message):
            return "\(kernel): invalid shape: \(message)"
        case .invalidArgument(let kernel, let message):
            return "\(kernel): invalid argument: \(message)"
        case .overflow(let kernel, let message):
            return "\(kernel): size overflow: \(message)"
        case .tooLarge(let kernel, let buffer, let bytes):
            return "\(kernel): buffer '\(buffer)' \(MemoryLimit.describeRefusal(bytes: bytes))"
        }
    }
}

extension MemoryLimit {
    /// Checks a kernel's scratch buffer of `elements` elements of `elementSize` bytes.
    /// - Returns: its byte size.
    /// - Throws: `KernelError.tooLarge` naming `kernel` and `buffer` when it overflows or exceeds
    ///   `bytes`.
    public static func checkScratch(elements: Int, elementSize: Int, kernel: String, buffer: String) throws -> Int {
        guard let n = byteCount(elements: elements, elementSize: elementSize) else {
            let (p, o) = elements.multipliedReportingOverflow(by: elementSize)
            throw KernelError.tooLarge(kernel: kernel, buffer: buffer, bytes: o ? nil : p)
        }
        return n
    }
}
