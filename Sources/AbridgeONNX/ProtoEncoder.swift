import AbridgeIR
import COnnxProto
import CProtobufC

/// Builds a protobuf-c `Onnx__ModelProto` tree from the IR in a `CArena`.
///
/// Large tensor payloads are not copied: `raw_data` points at the tensor's bytes (a mapped file
/// region or an owned buffer), which the model keeps alive while the tree is packed. The
/// `TensorPlacement` callback decides, per tensor, whether data go inline or to an external file.
struct ProtoEncoder {
    let arena: CArena
    /// Decides how each tensor's data are written (inline or external).
    let placement: (Tensor) throws -> TensorPlacement
    /// Byte buffers whose pointers the tree borrows; kept alive until packing ends.
    final class Retainer { var items: [TensorBytes] = []; var arrays: [[UInt8]] = [] }
    let retainer = Retainer()

    func opt(_ s: String?) -> (protobuf_c_boolean, ProtobufCBinaryData) { arena.optional(s) }

    func setUnknown(_ base: inout ProtobufCMessage, _ fields: [UnknownField]) {
        guard !fields.isEmpty else { return }
        let p = arena.allocate(ProtobufCMessageUnknownField.self, count: fields.count)
        for (i, f) in fields.enumerated() {
            p[i] = ProtobufCMessageUnknownField(tag: f.fieldNumber, wire_type: ProtobufCWireType(rawValue: f.wireType),
                                               len: f.payload.count, data: arena.array(f.payload))
        }
        base.n_unknown_fields = UInt32(fields.count)
        base.unknown_fields = p
    }

    func entries(_ list: [StringStringEntry]) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<Onnx__StringStringEntryProto>?>?) {
        let items = list.map { e -> UnsafeMutablePointer<Onnx__StringStringEntryProto> in
            let p = arena.allocate(Onnx__StringStringEntryProto.self)
            onnx__string_string_entry_proto__init(p)
            (p.pointee.has_key, p.pointee.key) = opt(e.key)
            (p.pointee.has_value, p.pointee.value) = opt(e.value)
            setUnknown(&p.pointee.base, e.unknownFields)
            return p
        }
        return (items.count, arena.pointers(items))
    }

    func opsets(_ list: [OperatorSetId]) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<Onnx__OperatorSetIdProto>?>?) {
        let items = list.map { o -> UnsafeMutablePointer<Onnx__OperatorSetIdProto> in
            let p = arena.allocate(Onnx__OperatorSetIdProto.self)
            onnx__operator_set_id_proto__init(p)
            (p.pointee.has_domain, p.pointee.domain) = opt(o.domain)
            if let v = o.version { p.pointee.has_version = 1; p.pointee.version = v }
            setUnknown(&p.pointee.base, o.unknownFields)
            return p
        }
        return (items.count, arena.pointers(items))
    }

    func strings(_ list: [String]) -> (Int, UnsafeMutablePointer<ProtobufCBinaryData>?) {
        (list.count, arena.array(list.map { arena.binary($0) }))
    }

    /// Unpacks an opaque message into the arena.
    func opaque<T>(_ m: OpaqueMessage, unpack: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<T>?,
                   what: String) throws -> UnsafeMutablePointer<T> {
        // Unpack with the default allocator, then deep-copy by packing/unpacking is unnecessary:
        // keep the unpacked tree alive through the retainer (freed by protobuf-c at deinit).
        let parsed = m.bytes.withUnsafeBufferPointer { unpack(nil, $0.count, $0.baseAddress) }
        guard let parsed else { throw ONNXError.invalidModel(path: "<model>", reason: "\(what) could not be re-encoded") }
        opaqueOwner.items.append(UnsafeMutableRawPointer(parsed))
        return parsed
    }
    final class OpaqueOwner {
        var items: [UnsafeMutableRawPointer] = []
        deinit {
            for p in items { protobuf_c_message_free_unpacked(p.assumingMemoryBound(to: ProtobufCMessage.self), nil) }
        }
    }
    let opaqueOwner = OpaqueOwner()

    // MARK: model

    func model(_ m: Model) throws -> UnsafeMutablePointer<Onnx__ModelProto> {
        let p = arena.allocate(Onnx__ModelProto.self)
        onnx__model_proto__init(p)
        if let v = m.irVersion { p.pointee.has_ir_version = 1; p.pointee.ir_version = v }
        (p.pointee.n_opset_import, p.pointee.opset_import) = opsets(m.opsetImports)
        (p.pointee.has_producer_name, p.pointee.producer_name) = opt(m.producerName)
        (p.pointee.has_producer_version, p.pointee.producer_version) = opt(m.producerVersion)
        (p.pointee.has_domain, p.pointee.domain) = opt(m.domain)
        if let v = m.modelVersion { p.pointee.has_model_version = 1; p.pointee.model_version = v }
        (p.pointee.has_doc_string, p.pointee.doc_string) = opt(m.docString)
        p.pointee.graph = try m.graph.map { try graph($0) }
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = entries(m.metadataProps)
        let training = try m.trainingInfo.map { t -> UnsafeMutablePointer<Onnx__TrainingInfoProto> in
            let tp = arena.allocate(Onnx__TrainingInfoProto.self)
            onnx__training_info_proto__init(tp)
            tp.pointee.initialization = try t.initialization.map { try graph($0) }
            tp.pointee.algorithm = try t.algorithm.map { try graph($0) }
            (tp.pointee.n_initialization_binding, tp.pointee.initialization_binding) = entries(t.initializationBinding)
            (tp.pointee.n_update_binding, tp.pointee.update_binding) = entries(t.updateBinding)
            setUnknown(&tp.pointee.base, t.unknownFields)
            return tp
        }
        p.pointee.n_training_info = training.count
        p.pointee.training_info = arena.pointers(training)
        let functions = try m.functions.map { try function($0) }
        p.pointee.n_functions = functions.count
        p.pointee.functions = arena.pointers(functions)
        let configs = try m.configurations.map { try opaque($0, unpack: onnx__device_configuration_proto__unpack, what: "configuration") }
        p.pointee.n_configuration = configs.count
        p.pointee.configuration = arena.pointers(configs)
        setUnknown(&p.pointee.base, m.unknownFields)
        return p
    }

    func function(_ f: Function) throws -> UnsafeMutablePointer<Onnx__FunctionProto> {
        let p = arena.allocate(Onnx__FunctionProto.self)
        onnx__function_proto__init(p)
        (p.pointee.has_name, p.pointee.name) = opt(f.name)
        (p.pointee.n_input, p.pointee.input) = strings(f.graph.inputs.map(\.name))
        (p.pointee.n_output, p.pointee.output) = strings(f.graph.outputs.map(\.name))
        (p.pointee.n_attribute, p.pointee.attribute) = strings(f.attributeNames)
        let attrs = try f.attributeDefaults.map { try attribute($0) }
        p.pointee.n_attribute_proto = attrs.count
        p.pointee.attribute_proto = arena.pointers(attrs)
        let nodes = try f.graph.nodes.map { try node($0) }
        p.pointee.n_node = nodes.count
        p.pointee.node = arena.pointers(nodes)
        (p.pointee.has_doc_string, p.pointee.doc_string) = opt(f.docString)
        (p.pointee.n_opset_import, p.pointee.opset_import) = opsets(f.opsetImports)
        (p.pointee.has_domain, p.pointee.domain) = opt(f.domain)
        (p.pointee.has_overload, p.pointee.overload) = opt(f.overload)
        let vis = try f.graph.valueInfo.map { try valueInfo($0) }
        p.pointee.n_value_info = vis.count
        p.pointee.value_info = arena.pointers(vis)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = entries(f.metadataProps)
        setUnknown(&p.pointee.base, f.unknownFields)
        return p
    }
}
