import AbridgeIR
import AbridgeSupport
import COnnxProto
import CProtobufC

/// Converts an unpacked protobuf-c `Onnx__ModelProto` tree into the Swift IR.
///
/// Every field is copied into Swift values, except `raw_data` payloads the wire scanner kept out
/// of the skeleton: those become views into the memory-mapped file. Strings are validated as
/// UTF-8 (protobuf-c hands them over as bytes, so NUL bytes survive).
struct ProtoDecoder {
    let path: String
    let scanner: WireScanner?
    let region: MappedRegion?
    /// Subgraph nesting depth so far (bounded, so a crafted file cannot exhaust the stack).
    var depth = 0

    func fail(_ reason: String) -> ONNXError { .invalidModel(path: path, reason: reason) }

    // MARK: scalar helpers

    func bytes(_ d: ProtobufCBinaryData) -> [UInt8] {
        guard d.len > 0, let p = d.data else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: d.len))
    }

    func string(_ d: ProtobufCBinaryData, _ what: @autoclosure () -> String) throws -> String {
        guard d.len > 0, let p = d.data else { return "" }
        guard let s = String(validating: UnsafeBufferPointer(start: p, count: d.len), as: UTF8.self) else {
            throw fail("\(what()) is not valid UTF-8")
        }
        return s
    }

    func optString(_ has: protobuf_c_boolean, _ d: ProtobufCBinaryData, _ what: @autoclosure () -> String) throws -> String? {
        has != 0 ? try string(d, what()) : nil
    }

    func strings(_ n: Int, _ p: UnsafeMutablePointer<ProtobufCBinaryData>?, _ what: String) throws -> [String] {
        guard n > 0, let p else { return [] }
        return try (0..<n).map { try string(p[$0], what) }
    }

    func array<T>(_ n: Int, _ p: UnsafeMutablePointer<T>?) -> [T] {
        guard n > 0, let p else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: n))
    }

    func messages<T>(_ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?) -> [UnsafeMutablePointer<T>] {
        guard n > 0, let p else { return [] }
        return (0..<n).compactMap { p[$0] }
    }

    func unknown(_ base: ProtobufCMessage) -> [UnknownField] {
        guard base.n_unknown_fields > 0, let u = base.unknown_fields else { return [] }
        return (0..<Int(base.n_unknown_fields)).map { i in
            let f = u[i]
            let payload = f.len > 0 && f.data != nil ? Array(UnsafeBufferPointer(start: f.data, count: f.len)) : []
            return UnknownField(fieldNumber: f.tag, wireType: f.wire_type.rawValue, payload: payload)
        }
    }

    func entries(_ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<Onnx__StringStringEntryProto>?>?, _ what: String) throws -> [StringStringEntry] {
        try messages(n, p).map { e in
            var s = StringStringEntry(key: try optString(e.pointee.has_key, e.pointee.key, "\(what) key"),
                                      value: try optString(e.pointee.has_value, e.pointee.value, "\(what) value"))
            s.unknownFields = unknown(e.pointee.base)
            return s
        }
    }

    func opsets(_ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<Onnx__OperatorSetIdProto>?>?) throws -> [OperatorSetId] {
        try messages(n, p).map { o in
            var id = OperatorSetId(domain: try optString(o.pointee.has_domain, o.pointee.domain, "opset_import domain"),
                                   version: o.pointee.has_version != 0 ? o.pointee.version : nil)
            id.unknownFields = unknown(o.pointee.base)
            return id
        }
    }

    /// Serializes a message the IR keeps opaque.
    func opaque<T>(_ m: UnsafeMutablePointer<T>) -> OpaqueMessage {
        m.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { msg in
            let size = protobuf_c_message_get_packed_size(msg)
            var out = [UInt8](repeating: 0, count: size)
            _ = out.withUnsafeMutableBufferPointer { protobuf_c_message_pack(msg, $0.baseAddress) }
            return OpaqueMessage(bytes: out)
        }
    }

    // MARK: model

    func model(_ m: UnsafeMutablePointer<Onnx__ModelProto>) throws -> Model {
        let p = m.pointee
        let graph = try p.graph.map { try self.graph($0, parent: nil, what: "main graph") }
        let model = Model(irVersion: p.has_ir_version != 0 ? p.ir_version : nil,
                          opsetImports: try opsets(p.n_opset_import, p.opset_import), graph: graph)
        model.producerName = try optString(p.has_producer_name, p.producer_name, "producer_name")
        model.producerVersion = try optString(p.has_producer_version, p.producer_version, "producer_version")
        model.domain = try optString(p.has_domain, p.domain, "model domain")
        model.modelVersion = p.has_model_version != 0 ? p.model_version : nil
        model.docString = try optString(p.has_doc_string, p.doc_string, "model doc_string")
        model.metadataProps = try entries(p.n_metadata_props, p.metadata_props, "metadata_props")
        model.trainingInfo = try messages(p.n_training_info, p.training_info).map { t in
            let info = TrainingInfo()
            info.initialization = try t.pointee.initialization.map { try self.graph($0, parent: nil, what: "training initialization graph") }
            info.algorithm = try t.pointee.algorithm.map { try self.graph($0, parent: nil, what: "training algorithm graph") }
            info.initializationBinding = try entries(t.pointee.n_initialization_binding, t.pointee.initialization_binding, "initialization_binding")
            info.updateBinding = try entries(t.pointee.n_update_binding, t.pointee.update_binding, "update_binding")
            info.unknownFields = unknown(t.pointee.base)
            return info
        }
        model.functions = try messages(p.n_functions, p.functions).map { try function($0) }
        model.configurations = messages(p.n_configuration, p.configuration).map { opaque($0) }
        model.unknownFields = unknown(p.base)
        return model
    }

    func function(_ f: UnsafeMutablePointer<Onnx__FunctionProto>) throws -> Function {
        let p = f.pointee
        let name = try optString(p.has_name, p.name, "function name")
        let label = "function '\(name ?? "")'"
        let body = Graph(name: nil)
        let scope = Scope(parent: nil)
        for n in try strings(p.n_input, p.input, "\(label) input") {
            let v = Value(name: n); body.inputs.append(v); scope.define(v)
        }
        try nodes(p.n_node, p.node, into: body, scope: scope, what: label)
        body.outputs = try strings(p.n_output, p.output, "\(label) output").map { scope.resolve($0, in: body) }
        body.valueInfo = try messages(p.n_value_info, p.value_info).map { try valueInfo($0, scope: scope, graph: body, what: label) }
        let fn = Function(name: name, domain: try optString(p.has_domain, p.domain, "\(label) domain"), graph: body)
        fn.overload = try optString(p.has_overload, p.overload, "\(label) overload")
        fn.attributeNames = try strings(p.n_attribute, p.attribute, "\(label) attribute")
        fn.attributeDefaults = try messages(p.n_attribute_proto, p.attribute_proto).map { try attribute($0, scope: scope, what: label) }
        fn.opsetImports = try opsets(p.n_opset_import, p.opset_import)
        fn.docString = try optString(p.has_doc_string, p.doc_string, "\(label) doc_string")
        fn.metadataProps = try entries(p.n_metadata_props, p.metadata_props, "\(label) metadata_props")
        fn.unknownFields = unknown(p.base)
        return fn
    }
}

/// Name resolution while decoding: names defined in this graph, then enclosing graphs.
final class Scope {
    let parent: Scope?
    private var names: [String: Value] = [:]
    /// Values referenced but defined nowhere (kept so the name round-trips).
    private var undeclared: [String: Value] = [:]

    init(parent: Scope?) { self.parent = parent }

    func define(_ v: Value) { names[v.name] = v }

    /// Whether `v` is defined in this scope itself (not in an enclosing one).
    func definesLocally(_ v: Value) -> Bool { names[v.name] === v }

    func lookup(_ name: String) -> Value? {
        var s: Scope? = self
        while let current = s {
            if let v = current.names[name] { return v }
            s = current.parent
        }
        return nil
    }

    func resolve(_ name: String, in graph: Graph) -> Value {
        if let v = lookup(name) { return v }
        if let v = undeclared[name] { return v }
        let v = Value(name: name)
        undeclared[name] = v
        return v
    }
}
