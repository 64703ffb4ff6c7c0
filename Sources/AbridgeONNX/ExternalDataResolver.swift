import AbridgeIR
import AbridgeSupport
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Resolves `external_data` references of a loaded model to memory-mapped views of the data
/// files (ONNX docs/ExternalData.md).
///
/// Keys are parsed strictly (`location` required; `offset`/`length` plain non-negative decimal;
/// `checksum` and `basepath` ignored; unknown keys logged). Files are opened beneath the model's
/// folder only (`ContainedFile`), mapped once per file, and every range is checked against the
/// file size and the tensor's type and shape.
struct ExternalDataResolver {
    let modelPath: String
    let baseDirectory: String
    let logger: Logger
    private var files: [String: MappedRegion] = [:]

    init(modelPath: String, baseDirectory: String, logger: Logger) {
        self.modelPath = modelPath; self.baseDirectory = baseDirectory; self.logger = logger
    }

    mutating func resolve(_ model: Model) throws {
        var tensors: [Tensor] = []
        model.forEachTensor { if $0.usesExternalData { tensors.append($0) } }
        for t in tensors { try resolve(t) }
    }

    private func fail(_ t: Tensor, _ reason: String) -> ONNXError {
        .invalidExternalData(path: modelPath, tensor: t.name ?? "<unnamed>", reason: reason)
    }

    mutating func resolve(_ t: Tensor) throws {
        var location: String?
        var offset: Int?
        var length: Int?
        for e in t.externalData {
            switch e.key ?? "" {
            case "location": location = e.value ?? ""
            case "offset": offset = try parseNumber(e.value, key: "offset", tensor: t)
            case "length": length = try parseNumber(e.value, key: "length", tensor: t)
            case "checksum", "basepath": break
            default: logger.warning("\(modelPath): tensor '\(t.name ?? "")': ignoring unknown external_data key '\(e.key ?? "")'")
            }
        }
        guard let location else { throw fail(t, "no 'location' key") }
        if t.elementType == .string { throw fail(t, "STRING tensors cannot use external data") }
        let region: MappedRegion
        if let r = files[location] {
            region = r
        } else {
            let opened: (fd: Int32, size: Int)
            do { opened = try ContainedFile.open(location, beneath: baseDirectory) } catch let e as SupportError {
                throw fail(t, "location '\(location)': \(e.description)")
            }
            defer { close(opened.fd) }
            region = try MappedRegion(fd: opened.fd, offset: 0, length: opened.size, path: "\(baseDirectory)/\(location)")
            files[location] = region
        }
        let size = region.bytes.count
        let start = offset ?? 0
        guard start <= size else { throw fail(t, "offset \(start) is past the end of '\(location)' (\(size) bytes)") }
        let count = length ?? (size - start)
        guard let end = Checked.add(start, count), end <= size else {
            throw fail(t, "offset \(start) + length \(count) is past the end of '\(location)' (\(size) bytes)")
        }
        guard let expected = t.expectedByteCount else {
            throw fail(t, "dims \(t.dims) with type \(t.elementType) give no valid byte count")
        }
        guard count == expected else {
            throw fail(t, "length \(count) does not match dims \(t.dims) of \(t.elementType) (\(expected) bytes)")
        }
        t.content = .raw(.mapped(region, offset: start, count: count))
    }

    private func parseNumber(_ s: String?, key: String, tensor t: Tensor) throws -> Int {
        guard let s, !s.isEmpty, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let v = Int64(s), let i = Int(exactly: v) else {
            throw fail(t, "\(key) '\(s ?? "")' is not a non-negative decimal integer")
        }
        return i
    }
}
