/// A float32 tensor of the training engine: a shape and its row-major elements.
struct TrainingTensor {
    var shape: [Int]
    var data: [Float]

    init(shape: [Int], data: [Float]) { self.shape = shape; self.data = data }
    init(zeros shape: [Int]) { self.shape = shape; self.data = [Float](repeating: 0, count: shape.reduce(1, *)) }

    var count: Int { data.count }

    /// The parts' rows in order (axis 0 concatenation), nil when their other axes differ.
    static func joined(_ parts: [TrainingTensor]) -> TrainingTensor? {
        guard let first = parts.first, !first.shape.isEmpty else { return nil }
        guard parts.count > 1 else { return first }
        var shape = first.shape
        var data: [Float] = []
        data.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        shape[0] = 0
        for p in parts {
            guard p.shape.count == shape.count, p.shape.dropFirst() == first.shape.dropFirst() else { return nil }
            shape[0] += p.shape[0]
            data.append(contentsOf: p.data)
        }
        return TrainingTensor(shape: shape, data: data)
    }

    /// Rows `range` of axis 0.
    func rows(_ range: Range<Int>) -> TrainingTensor {
        let row = shape.dropFirst().reduce(1, *)
        var s = shape
        s[0] = range.count
        return TrainingTensor(shape: s, data: Array(data[(range.lowerBound * row)..<(range.upperBound * row)]))
    }
}
