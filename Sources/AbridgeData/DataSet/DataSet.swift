import AbridgeIR
import AbridgeONNX
import AbridgeRuntime
import Foundation

/// Input data for running, calibrating or evaluating a model: a sequence of samples, each a
/// complete feed (values by graph input name), plus optional labels.
///
/// Sources (the one reader every command uses):
/// - an `.npz` whose keys are graph input names and whose axis 0 is the sample (batch) axis;
///   other keys (such as `labels`) are not fed;
/// - a folder of `.npz` files, each one complete feed (shapes exactly as the model takes them:
///   models with state inputs or scalar inputs without a sample axis);
/// - an ONNX test-data folder (`input_K.pb`, K-th non-initializer graph input) or a folder of
///   `test_data_set_*` folders, one feed each;
/// - `.npy` files, one per input (`NAME=FILE`), axis 0 the sample axis.
public final class DataSet {
    /// How samples are stored.
    enum Storage {
        /// Arrays with a sample axis: one sample is a slice along axis 0.
        case stacked([String: RuntimeTensor], count: Int)
        /// One complete feed per sample, loaded lazily from these files.
        case files([URL], kind: FileKind)
    }
    enum FileKind { case npz, testData }

    let storage: Storage
    /// Labels (`labels` or the chosen key) when present, with the sample axis first.
    public let labels: RuntimeTensor?
    /// Where the data came from (for messages).
    public let source: String
    let inputNames: [String]
    /// Declared rank of each input, when known: a sample of a stacked array whose rank is one
    /// more than the input's loses its sample axis (scalar or state inputs).
    var declaredRanks: [String: Int] = [:]
    /// Declared element type of each input, when known: floating-point data of another
    /// floating-point type are converted to it (float32 data for a float16 model).
    var declaredTypes: [String: DataType] = [:]

    /// Number of samples.
    public var count: Int {
        switch storage {
        case .stacked(_, let n): return n
        case .files(let urls, _): return urls.count
        }
    }

    /// True when samples are slices of stacked arrays, so several can be fed as one batch.
    public var isBatchable: Bool { if case .stacked = storage { return true }; return false }

    /// Opens a data source for a model with these graph inputs.
    /// - Parameters:
    ///   - path: an `.npz` file, a folder of `.npz` files, or an ONNX test-data folder.
    ///   - inputs: the model's graph inputs that need feeds, in order.
    ///   - labelKey: key of the labels in an `.npz` (default `labels`); never fed.
    /// - Throws: `DataError` (missing file: `.io`; malformed: the NumPy kinds; an input missing
    ///   from the data: `.keyNotFound` naming the input and the keys present; inconsistent sample
    ///   counts: `.invalidArgument`).
    public init(path: String, inputs: [Value], labelKey: String = "labels") throws {
        source = path
        inputNames = inputs.map(\.name)
        for v in inputs { if let r = v.type?.tensorShape?.rank { declaredRanks[v.name] = r } }
        declaredTypes = Self.declaredTypes(of: inputs)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw DataError(.io, "no such file or folder", file: path)
        }
        if !isDir.boolValue {
            let archive = try NPZArchive(contentsOf: URL(fileURLWithPath: path))
            var tensors: [String: RuntimeTensor] = [:]
            for name in inputNames {
                guard archive.keys.contains(name) else {
                    throw DataError(.keyNotFound, "has no array for model input '\(name)' (keys: \(archive.keys.sorted().joined(separator: ", ")))", file: path)
                }
                tensors[name] = try archive.array(forKey: name).runtimeTensor()
            }
            labels = archive.keys.contains(labelKey) ? try archive.array(forKey: labelKey).runtimeTensor() : nil
            let counts = Set(tensors.values.map { $0.shape.first ?? 1 })
            guard counts.count <= 1 else {
                throw DataError(.invalidArgument, "inputs have different sample counts along axis 0: \(tensors.mapValues { $0.shape.first ?? 1 })", file: path)
            }
            if let l = labels, let n = counts.first, (l.shape.first ?? 1) != n {
                throw DataError(.invalidArgument, "'\(labelKey)' has \(l.shape.first ?? 1) samples, inputs have \(n)", file: path)
            }
            for (name, t) in tensors where t.rank == 0 {
                throw DataError(.invalidArgument, "array '\(name)' is a scalar: it has no sample axis (use a folder of .npz files, one feed each)", file: path)
            }
            storage = .stacked(tensors, count: counts.first ?? 0)
            return
        }
        labels = nil
        let url = URL(fileURLWithPath: path)
        let entries = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent.localizedStandardCompare($1.lastPathComponent) == .orderedAscending }
        let npz = entries.filter { $0.pathExtension == "npz" }
        let sets = entries.filter { $0.lastPathComponent.hasPrefix("test_data_set_") }
        if !npz.isEmpty {
            storage = .files(npz, kind: .npz)
        } else if !sets.isEmpty {
            storage = .files(sets, kind: .testData)
        } else if entries.contains(where: { $0.lastPathComponent.hasPrefix("input_") && $0.pathExtension == "pb" }) {
            storage = .files([url], kind: .testData)
        } else {
            throw DataError(.invalidArgument, "folder holds no .npz files, test_data_set_* folders or input_K.pb files", file: path)
        }
    }

    /// Stacked samples built in memory (mixup blends), without labels.
    init(stacked tensors: [String: RuntimeTensor], count: Int, source: String, inputNames: [String],
         declaredRanks: [String: Int], declaredTypes: [String: DataType]) {
        storage = .stacked(tensors, count: count)
        labels = nil
        self.source = source
        self.inputNames = inputNames
        self.declaredRanks = declaredRanks
        self.declaredTypes = declaredTypes
    }

    /// Samples from `.npy` files, one per input (`name -> file`), axis 0 the sample axis.
    /// - Throws: `DataError`.
    public init(npyFiles: [String: String], inputs: [Value]) throws {
        source = npyFiles.values.sorted().joined(separator: ", ")
        inputNames = inputs.map(\.name)
        declaredTypes = Self.declaredTypes(of: inputs)
        var tensors: [String: RuntimeTensor] = [:]
        for (name, file) in npyFiles {
            guard inputNames.contains(name) else {
                throw DataError(.keyNotFound, "the model has no input '\(name)' (inputs: \(inputNames.joined(separator: ", ")))", file: file)
            }
            tensors[name] = try NPYReader.read(contentsOf: URL(fileURLWithPath: file)).runtimeTensor()
        }
        for name in inputNames where tensors[name] == nil {
            throw DataError(.keyNotFound, "no data given for model input '\(name)'")
        }
        let counts = Set(tensors.values.map { $0.shape.first ?? 1 })
        guard counts.count <= 1 else { throw DataError(.invalidArgument, "inputs have different sample counts along axis 0") }
        labels = nil
        storage = .stacked(tensors, count: counts.first ?? 0)
    }

    /// The feed for samples `range` (several only when `isBatchable`; for stacked data the
    /// sample axis is kept, so a single sample has size 1 on axis 0). Floating-point data are
    /// converted to the input's declared floating-point type (float16, float32, float64).
    /// - Throws: `DataError` for unreadable sample files or missing inputs.
    public func feed(_ range: Range<Int>) throws -> [String: RuntimeValue] {
        try Self.conformed(try storedFeed(range), to: declaredTypes)
    }

    /// The declared element type of each input that declares one.
    public static func declaredTypes(of inputs: [Value]) -> [String: DataType] {
        var out: [String: DataType] = [:]
        for v in inputs { if let t = v.type?.tensorElementType { out[v.name] = t } }
        return out
    }

    /// `feed` with floating-point tensors converted to the floating-point type `types` declares
    /// for them (float16, float32, float64; rounding to nearest); everything else unchanged.
    /// - Throws: `RuntimeError` when a tensor's data cannot be read.
    public static func conformed(_ feed: [String: RuntimeValue], to types: [String: DataType]) throws -> [String: RuntimeValue] {
        var out = feed
        for (name, value) in feed {
            guard let want = types[name], let t = value.tensor, t.dataType != want,
                  convertible.contains(want), convertible.contains(t.dataType) else { continue }
            switch want {
            case .float16: out[name] = .tensor(RuntimeTensor(.float16, shape: t.shape, values: try t.floatValues().map { Float16($0) }))
            case .double: out[name] = .tensor(RuntimeTensor(.double, shape: t.shape, values: try t.floatValues().map(Double.init)))   // exact from float16/32
            default:
                let x: [Float] = t.dataType == .double ? t.elements(as: Double.self).map { Float($0) } : try t.floatValues()
                out[name] = .tensor(RuntimeTensor(floats: x, shape: t.shape))
            }
        }
        return out
    }

    /// Floating-point types converted to the declared one (float16 <-> float32 <-> float64).
    static let convertible: Set<DataType> = [.float16, .float, .double]

    private func storedFeed(_ range: Range<Int>) throws -> [String: RuntimeValue] {
        switch storage {
        case .stacked(let tensors, _):
            var out: [String: RuntimeValue] = [:]
            for (name, t) in tensors {
                var sample = try Self.slice(t, range)
                if range.count == 1, let r = declaredRanks[name], r == t.rank - 1 {
                    let shape = Array(sample.shape.dropFirst())
                    sample = sample.dataType == .string ? RuntimeTensor(strings: sample.strings ?? [], shape: shape)
                        : RuntimeTensor(dataType: sample.dataType, shape: shape, storage: sample.storage)
                }
                out[name] = .tensor(sample)
            }
            return out
        case .files(let urls, let kind):
            guard range.count == 1 else { throw DataError(.invalidArgument, "samples stored one per file cannot be batched") }
            let url = urls[range.lowerBound]
            switch kind {
            case .npz:
                let archive = try NPZArchive(contentsOf: url)
                var out: [String: RuntimeValue] = [:]
                for name in inputNames {
                    guard archive.keys.contains(name) else {
                        throw DataError(.keyNotFound, "has no array for model input '\(name)' (keys: \(archive.keys.sorted().joined(separator: ", ")))", file: url.path)
                    }
                    out[name] = .tensor(try archive.array(forKey: name).runtimeTensor())
                }
                return out
            case .testData:
                var out: [String: RuntimeValue] = [:]
                for (k, name) in inputNames.enumerated() {
                    let file = url.appendingPathComponent("input_\(k).pb").path
                    guard FileManager.default.fileExists(atPath: file) else {
                        throw DataError(.keyNotFound, "missing input_\(k).pb for model input '\(name)'", file: url.path)
                    }
                    out[name] = .tensor(try TensorConversion.runtimeTensor(from: ONNXReader.readTensor(path: file)))
                }
                return out
            }
        }
    }

    /// Labels of samples `range`, when present.
    public func labels(_ range: Range<Int>) throws -> RuntimeTensor? {
        guard let labels else { return nil }
        return try Self.slice(labels, range)
    }

    /// Rows `range` of `t` along axis 0.
    static func slice(_ t: RuntimeTensor, _ range: Range<Int>) throws -> RuntimeTensor {
        guard let n = t.shape.first, range.lowerBound >= 0, range.upperBound <= n else {
            throw DataError(.invalidArgument, "sample range \(range) outside \(t.shape.first ?? 0) samples")
        }
        return try t.rows(range)
    }
}
