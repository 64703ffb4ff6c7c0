import AbridgeRuntime

extension DataSet {
    /// Why this data set cannot be widened with mixup blends (`Mixup`), or nil when it can:
    /// the samples must be stacked arrays (an `.npz` or `.npy` files, not one file per sample)
    /// of floating-point data, at least 2 of them.
    public var mixupUnsupportedReason: String? {
        guard case .stacked(let tensors, _) = storage else {
            return "samples stored one per file; blends need stacked arrays (an .npz with a sample axis)"
        }
        return Mixup.unsupportedReason(tensors)
    }

    /// The first `limit` samples (all when nil) as stacked tensors by input name (`[N, ...]`,
    /// as stored: not converted to the declared type), or nil when samples are stored one per file.
    /// - Throws: `DataError` when a slice is out of range (it cannot be).
    public func stackedSamples(limit: Int? = nil) throws -> [String: RuntimeTensor]? {
        guard case .stacked(let tensors, let total) = storage else { return nil }
        let n = Swift.min(total, limit ?? total)
        var out: [String: RuntimeTensor] = [:]
        for (name, t) in tensors { out[name] = n == total ? t : try Self.slice(t, 0..<n) }
        return out
    }

    /// The first `limit` samples (all when nil) followed by `copies` mixup blends of each
    /// (`Mixup.blends`, seeded with `seed`, so the same data give the same blends), as a new
    /// stacked data set without labels.
    /// - Throws: `DataError(.invalidArgument)` with `mixupUnsupportedReason` when the data
    ///   cannot be blended; `RuntimeError` when the result would exceed the memory limit.
    public func withMixupBlends(copies: Int, limit: Int? = nil, maxWeight: Float = 0.5, seed: UInt64 = 0) throws -> DataSet {
        if let why = mixupUnsupportedReason { throw DataError(.invalidArgument, why, file: source) }
        guard copies != 0 else { return self }
        guard let kept = try stackedSamples(limit: limit), let n = kept.values.first?.shape.first else { return self }
        var rng = SplitMix64(seed: seed)
        let blended = try Mixup.blends(of: kept, copies: copies, maxWeight: maxWeight, using: &rng)
        var joined: [String: RuntimeTensor] = [:]
        for (name, t) in kept {
            guard let b = blended[name] else { continue }
            let first = try t.floatValues()
            var shape = t.shape
            shape[0] = n * (copies + 1)
            joined[name] = RuntimeTensor(floats: first + b.elements(as: Float.self), shape: shape)
        }
        return DataSet(stacked: joined, count: n * (copies + 1), source: source, inputNames: inputNames,
                       declaredRanks: declaredRanks, declaredTypes: declaredTypes)
    }
}
