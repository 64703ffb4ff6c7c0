import AbridgeIR
import AbridgeSupport
import COnnxProto
import CProtobufC
import Logging

/// How `ONNXWriter` places tensor data.
public enum ExternalDataMode: Sendable, Equatable {
    /// External data only when needed: when the protobuf would pass the 2 GiB limit. Otherwise
    /// every tensor is written inline, including tensors read from external data (as
    /// `onnx.load` + `onnx.save` do), so external -> inline is the way back from `.always`.
    case automatic
    /// Tensors of at least `ExternalDataOptions.sizeThreshold` bytes go to the data file.
    case always
}

/// Options for writing a model.
public struct WriteOptions: Sendable {
    public var externalData: ExternalDataMode = .automatic
    /// Tensors with at least this many bytes go to the external data file (default 1024).
    public var sizeThreshold: Int = 1024
    /// File name of the external data file, in the model's folder (default
    /// `<model file name>.data`). A plain file name: no folder part.
    public var externalDataName: String? = nil
    /// Replace an existing output file (always by rename).
    public var overwrite: Bool = false
    public init() {}
}

/// What a write did.
public struct WriteReport: Sendable {
    /// Bytes of the model file.
    public var modelBytes: Int
    /// The external data file written, if any, and its size.
    public var externalDataFile: String?
    public var externalDataBytes: Int
    /// Number of tensors placed in the external data file.
    public var externalTensorCount: Int
    /// True when external data were chosen automatically because the model would pass 2 GiB.
    public var switchedToExternalForSize: Bool
}

/// Writes the IR as an ONNX file with protobuf-c's `pack_to_buffer`, streamed to a temporary
/// file that is renamed into place only when everything succeeded.
///
/// Output is deterministic: the same model and options give the same bytes.
public enum ONNXWriter {
    /// The protobuf limit for one message (2 GiB); protobuf-c silently corrupts messages of
    /// 4 GiB or more, and other readers refuse more than 2 GiB.
    public static let protobufLimit = Int(Int32.max)

    /// Writes `model` to `path`.
    /// - Throws: `ONNXError.cannotCreate` (exists without `overwrite`, folder missing, not
    ///   writable), `.io` (write failure), `.invalidModel` (a tensor's data are inconsistent),
    ///   `.unsupported` (the model cannot be written under 2 GiB even with external data).
    @discardableResult
    public static func write(_ model: Model, to path: String, options: WriteOptions = WriteOptions(),
                             logger: Logger = Logger(label: "abridge.onnx")) throws -> WriteReport {
        var inlineBytes = 0
        model.forEachTensor { t in inlineBytes += t.storedByteCount }
        var external = options.externalData == .always
        var switched = false
        if !external && inlineBytes > protobufLimit - (64 << 20) {
            external = true; switched = true
            logger.notice("\(path): tensors hold \(inlineBytes) bytes, over the 2 GiB protobuf limit: writing them to an external data file")
        }
        let modelName = path.split(separator: "/").last.map(String.init) ?? path
        let dataName = options.externalDataName ?? "\(modelName).data"
        if external {
            do { try ContainedFile.validate(dataName, shown: dataName) } catch {
                throw ONNXError.cannotCreate(path: dataName, reason: "external data name must be a relative file name: \(error)")
            }
            if dataName == modelName {
                throw ONNXError.cannotCreate(path: dataName, reason: "the external data file cannot have the model file's own name")
            }
            if dataName.contains("/") {
                throw ONNXError.cannotCreate(path: dataName, reason: "external data name must be a plain file name in the model's folder")
            }
        }
        let directory = AtomicFile.directory(of: path)
        let dataPath = "\(directory)/\(dataName)"
        do {
            let modelFile = try AtomicFile(path: path, overwrite: options.overwrite)
            var dataFile: AtomicFile? = nil
            var dataOffset = 0
            var dataCount = 0
            let threshold = switched ? 1024 : options.sizeThreshold
            let arena = CArena()
            let encoder = ProtoEncoder(arena: arena) { t in
                guard external, t.elementType != .string, t.elementType.bitWidth != nil else { return .inline }
                let bytes: TensorBytes
                do { bytes = try t.packedBytes() } catch let e as IRError { throw ONNXError.invalidModel(path: path, reason: e.description) }
                guard bytes.count >= threshold else { return .inline }
                if dataFile == nil { dataFile = try AtomicFile(path: dataPath, overwrite: options.overwrite) }
                guard let file = dataFile else { return .inline }
                // Align large tensors to 4096 bytes so that readers can map them (ExternalData.md).
                let alignment = bytes.count >= 4096 ? 4096 : 64
                let pad = (alignment - dataOffset % alignment) % alignment
                if pad > 0 { try [UInt8](repeating: 0, count: pad).withUnsafeBytes { try file.write($0) } }
                dataOffset += pad
                try bytes.withUnsafeBytes { try file.write($0) }
                let placement = TensorPlacement.external(location: dataName, offset: dataOffset, length: bytes.count)
                dataOffset += bytes.count
                dataCount += 1
                return placement
            }
            let proto = try encoder.model(model)
            let size = onnx__model_proto__get_packed_size(proto)
            guard size < protobufLimit else {
                throw ONNXError.unsupported(path: path, reason: "the model protobuf would be \(size) bytes, over the 2 GiB limit; use --external-data")
            }
            let sink = FileSink(fd: modelFile.fd, path: modelFile.temporaryPath)
            _ = onnx__model_proto__pack_to_buffer(proto, sink.buffer)
            try sink.flush()
            if let dataFile { try dataFile.commit() }
            try modelFile.commit()
            withExtendedLifetime(encoder) {}
            return WriteReport(modelBytes: sink.total, externalDataFile: dataFile == nil ? nil : dataPath,
                               externalDataBytes: dataOffset, externalTensorCount: dataCount,
                               switchedToExternalForSize: switched)
        } catch let e as SupportError {
            switch e {
            case .cannotCreate(let p, let r): throw ONNXError.cannotCreate(path: p, reason: r)
            case .io(let p, let r): throw ONNXError.io(path: p, reason: r)
            default: throw ONNXError.io(path: path, reason: e.description)
            }
        }
    }
}
