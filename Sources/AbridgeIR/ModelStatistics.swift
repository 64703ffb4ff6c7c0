/// Counts and sizes of a model's parts, for `inspect` and `compare` reports.
public struct ModelStatistics: Sendable, Codable, Equatable {
    /// Per element type: number of parameters (elements) and bytes.
    public struct TypeTotals: Sendable, Codable, Equatable {
        public var parameters: Int = 0
        public var bytes: Int = 0
    }
    /// Nodes in the main graph.
    public var mainGraphNodes = 0
    /// Nodes everywhere: main graph, subgraphs, function bodies, training graphs.
    public var totalNodes = 0
    /// Op-type histogram over all nodes, keyed `op` or `domain::op`.
    public var opTypes: [String: Int] = [:]
    /// Parameters (initializer elements; for sparse initializers the stored non-zeros) by
    /// element type name (`FLOAT`, `INT8`...).
    public var parametersByType: [String: TypeTotals] = [:]
    /// Total parameters (dense-equivalent elements of all initializers).
    public var denseParameters = 0
    /// Bytes of tensor data stored in the model file itself.
    public var inlineBytes = 0
    /// Bytes of tensor data in sparse initializers (values and indices).
    public var sparseBytes = 0
    /// Bytes of tensor data in external data files.
    public var externalBytes = 0
    /// Number of initializers (dense and sparse), and of sparse ones.
    public var initializerCount = 0
    public var sparseInitializerCount = 0

    /// Computes the statistics. Tensors whose external data were not loaded are counted from
    /// their declared shape and type, so no data are read.
    public init(model: Model) {
        mainGraphNodes = model.graph?.nodes.count ?? 0
        for g in model.allGraphs {
            totalNodes += g.nodes.count
            for n in g.nodes {
                let key = n.normalizedDomain.isEmpty ? n.opType : "\(n.normalizedDomain)::\(n.opType)"
                opTypes[key, default: 0] += 1
            }
            for v in g.initializers {
                guard let t = v.initializer else { continue }
                initializerCount += 1
                let count = t.elementCount ?? 0
                let bytes = t.usesExternalData ? (t.expectedByteCount ?? 0) : t.storedByteCount
                parametersByType[t.elementType.name, default: TypeTotals()].parameters += count
                parametersByType[t.elementType.name, default: TypeTotals()].bytes += bytes
                denseParameters += count
                if t.usesExternalData { externalBytes += bytes } else { inlineBytes += bytes }
            }
            for v in g.sparseInitializers {
                guard let s = v.sparseInitializer else { continue }
                initializerCount += 1
                sparseInitializerCount += 1
                let nnz = s.values?.elementCount ?? 0
                let type = s.values?.elementType ?? .undefined
                var bytes = 0
                for t in [s.values, s.indices].compactMap({ $0 }) {
                    bytes += t.usesExternalData ? (t.expectedByteCount ?? 0) : t.storedByteCount
                }
                parametersByType[type.name, default: TypeTotals()].parameters += nnz
                parametersByType[type.name, default: TypeTotals()].bytes += bytes
                denseParameters += s.dims.reduce(1) { $0 * Int(clamping: $1) }
                sparseBytes += bytes
            }
        }
    }
}
