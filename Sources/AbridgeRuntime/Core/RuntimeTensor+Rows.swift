import AbridgeIR

extension RuntimeTensor {
    /// The floating-point element types whose values `floatValues` reads.
    public static let floatingPointTypes: Set<DataType> = [.float16, .bfloat16, .float, .double]

    /// Rows `range` of axis 0, copied (`[range.count, ...]`; string tensors too).
    /// - Throws: `RuntimeError.invalidShape` when the tensor has no axis 0 or `range` leaves it;
    ///   `.tooLarge` past the memory limit.
    public func rows(_ range: Range<Int>) throws -> RuntimeTensor {
        guard let n = shape.first, range.lowerBound >= 0, range.upperBound <= n else {
            throw RuntimeError.invalidShape("rows \(range) outside the \(shape.first ?? 0) rows of a \(shape) tensor")
        }
        var out = shape
        out[0] = range.count
        let per = count / Swift.max(n, 1)
        if dataType == .string {
            return RuntimeTensor(strings: Array((strings ?? [])[(range.lowerBound * per)..<(range.upperBound * per)]), shape: out)
        }
        let rowBytes = per * (Self.elementSize(dataType) ?? 1)
        let t = try Self.allocate(dataType, out)
        t.storage.base.copyMemory(from: storage.base + range.lowerBound * rowBytes, byteCount: range.count * rowBytes)
        return t
    }

    /// The tensor with its last row (axis 0) repeated until it has `total` rows (unchanged when
    /// it has that many or more, or no rows): a short last batch filled up for a model that
    /// fixes its batch size.
    /// - Throws: `RuntimeError.tooLarge` past the memory limit.
    public func padded(toRows total: Int) throws -> RuntimeTensor {
        guard let n = shape.first, n >= 1, n < total, dataType != .string, let size = Self.elementSize(dataType) else { return self }
        var out = shape
        out[0] = total
        let rowBytes = count / n * size
        let t = try Self.allocate(dataType, out)
        t.storage.base.copyMemory(from: storage.base, byteCount: n * rowBytes)
        for r in n..<total { (t.storage.base + r * rowBytes).copyMemory(from: storage.base + (n - 1) * rowBytes, byteCount: rowBytes) }
        return t
    }
}

extension InferenceSession {
    /// The batch size that axis 0 of the required inputs fixes (the first input declaring a
    /// number there, as in a model exported with batch 1 or 4), or nil when every input's axis 0
    /// is symbolic or undeclared, so any number of samples can be fed at once.
    public var fixedBatchSize: Int? {
        requiredInputs.lazy.compactMap { v -> Int? in
            guard let d = v.type?.tensorShape?.dims.first, case .value(let n) = d.value else { return nil }
            return Int(clamping: n)
        }.first
    }
}
