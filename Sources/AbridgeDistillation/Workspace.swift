/// Scratch arrays an operator keeps from step to step (the batch shape rarely changes), so the
/// hot path does not allocate, zero and page-fault large buffers on every step.
enum Workspace {
    /// Makes `buffer` hold `count` elements; the contents are unspecified unless it was resized
    /// (then zeros).
    static func ensure(_ buffer: inout [Float], count: Int) {
        if buffer.count != count { buffer = [Float](repeating: 0, count: count) }
    }

    /// `buffer` resized to `count` and filled by `fill` (which must write every element, or
    /// `zero` first), returned as a shared copy. The caller keeps `buffer` for the next step:
    /// once the returned array is released, `buffer` is unique again and is rewritten in place
    /// (copy-on-write keeps this correct if it is still shared).
    static func reuse(_ buffer: inout [Float], count: Int, zero: Bool = false,
                      _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        if buffer.count != count {
            buffer = [Float](repeating: 0, count: count)
        } else if zero {
            buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        buffer.withUnsafeMutableBufferPointer { fill($0) }
        return buffer
    }

    /// A new array of `count` elements, every one written by `fill` (no zeroing first).
    static func filled(_ count: Int, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
    }
}
