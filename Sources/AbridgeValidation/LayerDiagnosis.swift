/// Per-tensor agreement between the two models, worst first (`--per-layer`).
public struct LayerDiagnosis: Codable, Sendable, Equatable {
    /// One tensor present in both models under the same name.
    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        /// Shape in the first batch compared (axis 0 is the batch).
        public var shape: [Int]
        public var elements: Int
        public var sqnrDb: MetricValue
        public var cosine: MetricValue
        public var maxAbsError: MetricValue
        public var meanAbsError: MetricValue
    }
    /// A tensor present in both but not compared.
    public struct Skipped: Codable, Sendable, Equatable {
        public var name: String
        public var reason: String
    }

    /// Samples the tensors were accumulated over.
    public var samples: Int
    /// Tensor names produced by nodes of both models.
    public var commonTensors: Int
    /// Sorted worst first: lowest SQNR first; tensors with undefined SQNR (identical, so
    /// infinite) after all others, then by name.
    public var tensors: [Entry]
    public var skipped: [Skipped]

    /// Builds the diagnosis from a comparator's accumulators.
    public init(comparator: LayerComparator, commonTensors: Set<String>, samples: Int) {
        self.samples = samples
        self.commonTensors = commonTensors.count
        tensors = comparator.accumulators.map { name, a in
            Entry(name: name, shape: comparator.shapes[name] ?? [], elements: a.count, sqnrDb: a.sqnrDecibels,
                  cosine: a.cosineSimilarity, maxAbsError: a.maxAbsoluteError, meanAbsError: a.meanAbsoluteError)
        }.sorted(by: Self.worseFirst)
        var skipped = comparator.skipped.map { Skipped(name: $0.key, reason: $0.value) }
        for name in commonTensors where comparator.accumulators[name] == nil && comparator.skipped[name] == nil {
            skipped.append(Skipped(name: name, reason: "not computed during the runs (a branch not taken, or the tensor is not a tensor value)"))
        }
        self.skipped = skipped.sorted { $0.name < $1.name }
    }

    static func worseFirst(_ a: Entry, _ b: Entry) -> Bool {
        switch (a.sqnrDb.value, b.sqnrDb.value) {
        case let (x?, y?) where x != y: return x < y
        case (_?, nil): return true
        case (nil, _?): return false
        default: return a.name < b.name
        }
    }
}
