import AbridgeIR
import AbridgeSupport
import COnnxProto
import CProtobufC
import Logging

/// Reads ONNX models (`.onnx`) and TensorProto files (`.pb`) into the IR.
///
/// The file is memory-mapped and checked by `WireScanner` (nesting depth, lengths, wire types,
/// with byte offsets in errors); protobuf-c unpacks only the skeleton, and large `raw_data`
/// payloads stay views into the mapping. External data are resolved beneath the model's folder.
public enum ONNXReader {
    /// `raw_data` payloads at least this large stay in the mapping instead of being copied.
    public static let mappedPayloadThreshold = 4096

    /// Loads a model.
    /// - Parameters:
    ///   - path: the `.onnx` file.
    ///   - loadExternalData: when true (default), tensors with `data_location = EXTERNAL` are
    ///     mapped from their data files and checked; when false they keep `content == .none`
    ///     (enough for `inspect`, which then touches none of the data).
    /// - Throws: `ONNXError.unreadable` (missing, a directory, unreadable),
    ///   `.invalidModel` (empty, malformed, truncated, too deeply nested, no graph, bad tensor),
    ///   `.unsupported` (a field over 2 GiB), `.invalidExternalData`.
    public static func readModel(path: String, loadExternalData: Bool = true,
                                 logger: Logger = Logger(label: "abridge.onnx")) throws -> Model {
        let region = try map(path)
        guard region.bytes.count > 0 else {
            throw ONNXError.invalidModel(path: path, reason: "the file is empty")
        }
        var scanner = WireScanner(bytes: region.bytes, path: path, stripThreshold: mappedPayloadThreshold)
        let skeleton = try scanner.scan(root: .model)
        let unpacked: UnsafeMutablePointer<Onnx__ModelProto>? = {
            if let skeleton { return skeleton.withUnsafeBufferPointer { onnx__model_proto__unpack(nil, $0.count, $0.baseAddress) } }
            return onnx__model_proto__unpack(nil, region.bytes.count, region.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        }()
        guard let unpacked else {
            throw ONNXError.invalidModel(path: path, reason: "protobuf-c could not decode the ModelProto (a field has a type the schema does not allow)")
        }
        defer { onnx__model_proto__free_unpacked(unpacked, nil) }
        let decoder = ProtoDecoder(path: path, scanner: scanner, region: region)
        let model = try decoder.model(unpacked)
        guard model.graph != nil else {
            throw ONNXError.invalidModel(path: path, reason: "the model has no graph (is this an ONNX model?)")
        }
        // Every tensor's data must match its type and shape (O(1) each; external data are checked
        // when mapped), so that no command reports on or writes an inconsistent tensor.
        do { try model.forEachTensor { try $0.validateData() } } catch let e as IRError {
            throw ONNXError.invalidModel(path: path, reason: e.description)
        }
        if loadExternalData {
            var resolver = ExternalDataResolver(modelPath: path, baseDirectory: AtomicFile.directory(of: path), logger: logger)
            try resolver.resolve(model)
        }
        return model
    }

    /// Loads a serialized `TensorProto` (ONNX test data `input_0.pb`).
    /// - Throws: as `readModel`.
    public static func readTensor(path: String) throws -> Tensor {
        let region = try map(path)
        var scanner = WireScanner(bytes: region.bytes, path: path, stripThreshold: mappedPayloadThreshold)
        let skeleton = try scanner.scan(root: .tensor)
        let unpacked: UnsafeMutablePointer<Onnx__TensorProto>? = {
            if let skeleton { return skeleton.withUnsafeBufferPointer { onnx__tensor_proto__unpack(nil, $0.count, $0.baseAddress) } }
            return onnx__tensor_proto__unpack(nil, region.bytes.count, region.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        }()
        guard let unpacked else { throw ONNXError.invalidModel(path: path, reason: "protobuf-c could not decode the TensorProto") }
        defer { onnx__tensor_proto__free_unpacked(unpacked, nil) }
        let t = try ProtoDecoder(path: path, scanner: scanner, region: region).tensor(unpacked, what: path)
        if t.usesExternalData {
            var resolver = ExternalDataResolver(modelPath: path, baseDirectory: AtomicFile.directory(of: path), logger: Logger(label: "abridge.onnx"))
            try resolver.resolve(t)
        }
        return t
    }

    static func map(_ path: String) throws -> MappedRegion {
        do { return try MappedRegion(path: path) } catch let e as SupportError {
            switch e {
            case .notFound: throw ONNXError.unreadable(path: path, reason: "no such file")
            case .notRegularFile: throw ONNXError.unreadable(path: path, reason: "not a regular file (a directory?)")
            default: throw ONNXError.unreadable(path: path, reason: e.description)
            }
        }
    }
}
