import AbridgeIR
import Foundation

/// How big a model is on disk and in parameters.
///
/// File bytes are the model file plus every distinct external data file its tensors reference
/// (resolved beside the model, as the reader resolves them). Parameters and bytes by element type,
/// dense and sparse, come from `ModelStatistics` (initializers; a sparse initializer counts its
/// stored non-zeros and the bytes of its values and indices).
public struct SizeReport: Codable, Sendable, Equatable {
    /// One external data file.
    public struct ExternalFile: Codable, Sendable, Equatable {
        public var location: String
        public var bytes: Int
    }
    /// Parameters and bytes of one element type.
    public struct TypeSize: Codable, Sendable, Equatable {
        public var type: String
        public var parameters: Int
        public var bytes: Int
    }

    public var modelFileBytes: Int
    public var externalDataFiles: [ExternalFile]
    /// Model file plus external data files.
    public var totalFileBytes: Int
    /// Dense-equivalent parameter count of all initializers.
    public var parameters: Int
    /// By element type name (`FLOAT`, `INT8`, ...), sorted by name.
    public var byType: [TypeSize]
    /// Bytes of dense initializers (stored inline or externally).
    public var denseBytes: Int
    /// Bytes of sparse initializers (values and indices).
    public var sparseBytes: Int
    public var inlineBytes: Int
    public var externalBytes: Int
    public var initializers: Int
    public var sparseInitializers: Int

    /// Measures `model`, read from `path`.
    /// - Throws: `ComparisonError.io` when the model file or an external data file cannot be
    ///   examined.
    public init(model: Model, path: String) throws {
        modelFileBytes = try Self.fileSize(path)
        var locations = Set<String>()
        model.forEachTensor { t in
            guard t.usesExternalData else { return }
            for e in t.externalData where e.key == "location" { if let v = e.value { locations.insert(v) } }
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        externalDataFiles = try locations.sorted().map { loc in
            ExternalFile(location: loc, bytes: try Self.fileSize(folder.appendingPathComponent(loc).path))
        }
        totalFileBytes = externalDataFiles.reduce(modelFileBytes) { $0 + $1.bytes }
        let s = ModelStatistics(model: model)
        parameters = s.denseParameters
        byType = s.parametersByType.keys.sorted().map { k in
            TypeSize(type: k, parameters: s.parametersByType[k]?.parameters ?? 0, bytes: s.parametersByType[k]?.bytes ?? 0)
        }
        denseBytes = s.inlineBytes + s.externalBytes
        sparseBytes = s.sparseBytes
        inlineBytes = s.inlineBytes
        externalBytes = s.externalBytes
        initializers = s.initializerCount
        sparseInitializers = s.sparseInitializerCount
    }

    static func fileSize(_ path: String) throws -> Int {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard let n = attributes[.size] as? NSNumber else { throw ComparisonError.io(file: path, reason: "cannot read the file size") }
            return n.intValue
        } catch let e as ComparisonError {
            throw e
        } catch {
            throw ComparisonError.io(file: path, reason: "cannot read the file size: \(error.localizedDescription)")
        }
    }
}
