/// A float32 tensor of the training engine: a shape and its row-major elements.
struct TrainingTensor {
    var shape: [Int]
    var data: [Float]

    init(shape: [Int], data: [Float]) { self.shape = shape; self.data = data }
    init(zeros shape: [Int]) { self.shape = shape; self.data = [Float](repeating: 0, count: shape.reduce(1, *)) }

    var count: Int { data.count }

    /// Rows `0..<n` of `a` followed by those of `b` (axis 0 concatenation).
    static func concatenating(_ a: TrainingTensor, _ b: TrainingTensor) -> TrainingTensor? {
        guard a.shape.count == b.shape.count, !a.shape.isEmpty, a.shape.dropFirst() == b.shape.dropFirst() else { return nil }
        var shape = a.shape
        shape[0] += b.shape[0]
        return TrainingTensor(shape: shape, data: a.data + b.data)
    }

    /// Rows `range` of axis 0.
    func rows(_ range: Range<Int>) -> TrainingTensor {
        let row = shape.dropFirst().reduce(1, *)
        var s = shape
        s[0] = range.count
        return TrainingTensor(shape: s, data: Array(data[(range.lowerBound * row)..<(range.upperBound * row)]))
    }
}

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
