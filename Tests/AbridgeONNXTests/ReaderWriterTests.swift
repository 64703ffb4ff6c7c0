import AbridgeIR
import AbridgeONNX
import Foundation
import Testing

// MARK: helpers

/// A fresh folder under the system temporary directory, removed when the test ends.
final class TemporaryFolder {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("abridge-onnx-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { "\(path)/\(name)" }
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
    func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: file(name)))) }
    func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}

/// Protobuf wire encoding, for hand-crafted files.
enum Wire {
    static func varint(_ v: UInt64) -> [UInt8] {
        var v = v, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        out.append(UInt8(v))
        return out
    }
    static func int(_ field: UInt64, _ v: UInt64) -> [UInt8] { varint(field << 3) + varint(v) }
    static func bytes(_ field: UInt64, _ payload: [UInt8]) -> [UInt8] { varint(field << 3 | 2) + varint(UInt64(payload.count)) + payload }
    static func string(_ field: UInt64, _ s: String) -> [UInt8] { bytes(field, Array(s.utf8)) }

    /// ModelProto { ir_version 8, opset_import { version 17 }, graph { nodes..., name "g",
    /// input X, output Y, extra graph fields } }.
    static func model(nodes: [[UInt8]], graphExtra: [UInt8] = [], modelExtra: [UInt8] = []) -> [UInt8] {
        var graph: [UInt8] = []
        for n in nodes { graph += bytes(1, n) }
        graph += string(2, "g") + bytes(11, string(1, "X")) + bytes(12, string(1, "Y")) + graphExtra
        return int(1, 8) + bytes(8, int(2, 17)) + bytes(7, graph) + modelExtra
    }

    /// NodeProto { input X, output Y, name <nameBytes>, op_type Relu } plus `extra`.
    static func reluNode(name: [UInt8] = Array("relu".utf8), extra: [UInt8] = []) -> [UInt8] {
        string(1, "X") + string(2, "Y") + bytes(3, name) + string(4, "Relu") + extra
    }
}

func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}

/// Y = Custom(Reshape(MatMul(X, W), Constant [-1, 4])) with attributes of several kinds.
func sampleModel() -> Model {
    let g = Graph(name: "main")
    g.docString = "the main graph"
    let x = Value(name: "X", type: .tensor(.float, shape: Shape(dims: [Dimension(.param("N")), Dimension(.value(4))])))
    g.inputs = [x]
    let w = Value(name: "W")
    w.initializer = Tensor(name: "W", dataType: .float, dims: [4, 4], rawData: .owned(floatBytes((0..<16).map(Float.init))))
    g.initializers = [w]
    let mm = Node(opType: "MatMul", name: "mm", inputs: [x, w], outputs: ["H"])
    let shapeTensor = Tensor(name: "shape", dataType: .int64, dims: [2], content: .int64Data([-1, 4]))
    let c = Node(opType: "Constant", name: "c", outputs: ["S"], attributes: [Attribute(name: "value", value: .tensor(shapeTensor))])
    let r = Node(opType: "Reshape", name: "r", inputs: [mm.outputs[0], c.outputs[0]], outputs: ["R"])
    let custom = Node(opType: "Custom", domain: "com.example", name: "cx", inputs: [r.outputs[0], nil], outputs: ["Y"],
                      attributes: [Attribute(name: "alpha", value: .float(0.25)), Attribute(name: "k", value: .int(-3)),
                                   Attribute(name: "mode", value: .string(Array("fast".utf8))),
                                   Attribute(name: "axes", value: .ints([0, -1])), Attribute(name: "scales", value: .floats([0.5, 2])),
                                   Attribute(name: "tags", value: .strings([Array("a".utf8), []]))])
    custom.docString = "a custom op"
    for n in [mm, c, r, custom] { g.append(n) }
    let y = custom.outputs[0]
    y.type = .tensor(.float, shape: Shape([2, 4]))
    g.outputs = [y]
    let model = Model(irVersion: 9, opsetImports: [OperatorSetId(domain: "", version: 20),
                                                   OperatorSetId(domain: "com.example", version: 1)], graph: g)
    model.producerName = "abridge-tests"
    model.producerVersion = "1"
    model.modelVersion = 7
    model.metadataProps = [StringStringEntry(key: "license", value: "MIT")]
    return model
}

func checkSampleModel(_ m: Model) throws {
    #expect(m.irVersion == 9)
    #expect(m.opsetImports.map(\.domain) == ["", "com.example"])
    #expect(m.opsetImports.map(\.version) == [20, 1])
    #expect(m.producerName == "abridge-tests" && m.producerVersion == "1" && m.modelVersion == 7)
    #expect(m.metadataProps == [StringStringEntry(key: "license", value: "MIT")])
    let g = try #require(m.graph)
    #expect(g.name == "main" && g.docString == "the main graph")
    #expect(g.inputs.map(\.name) == ["X"])
    #expect(g.inputs[0].type == .tensor(.float, shape: Shape(dims: [Dimension(.param("N")), Dimension(.value(4))])))
    #expect(g.outputs.map(\.name) == ["Y"])
    #expect(g.outputs[0].type == .tensor(.float, shape: Shape([2, 4])))
    #expect(g.nodes.map(\.opType) == ["MatMul", "Constant", "Reshape", "Custom"])
    #expect(g.nodes.map { $0.name ?? "" } == ["mm", "c", "r", "cx"])
    // Connections and use lists are rebuilt from names.
    let w = try #require(g.initializers.first)
    #expect(w.name == "W")
    #expect(g.nodes[0].inputs[0] === g.inputs[0] && g.nodes[0].inputs[1] === w)
    #expect(w.uses.count == 1 && w.uses[0].node === g.nodes[0])
    #expect(g.nodes[2].inputs[0] === g.nodes[0].outputs[0])
    #expect(g.nodes[2].inputs[1] === g.nodes[1].outputs[0])
    #expect(g.outputs[0] === g.nodes[3].outputs[0])
    #expect(g.nodes[3].inputs.count == 2 && g.nodes[3].inputs[1] == nil)
    #expect(try w.initializer?.packedBytes().array == floatBytes((0..<16).map(Float.init)))
    #expect(w.initializer?.dims == [4, 4])
    let shape = try #require(g.nodes[1].attribute("value")?.tensor)
    #expect(try shape.packedBytes().array == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 4, 0, 0, 0, 0, 0, 0, 0])
    let cx = g.nodes[3]
    #expect(cx.domain == "com.example" && cx.docString == "a custom op")
    #expect(cx.attribute("alpha")?.float == 0.25)
    #expect(cx.attribute("k")?.int == -3)
    #expect(cx.attribute("mode")?.string == "fast")
    #expect(cx.attribute("axes")?.ints == [0, -1])
    #expect(cx.attribute("scales")?.floats == [0.5, 2])
    if case .strings(let s)? = cx.attribute("tags")?.value { #expect(s == [Array("a".utf8), []]) } else { Issue.record("tags") }
    #expect(cx.attributes.map { $0.type?.rawValue ?? 0 } == [1, 2, 3, 7, 6, 8])
}

// MARK: tests

@Suite("Reader and writer")
struct ReaderWriterTests {
    @Test func roundTripInline() throws {
        let dir = try TemporaryFolder()
        let report = try ONNXWriter.write(sampleModel(), to: dir.file("m.onnx"))
        #expect(report.externalDataFile == nil && report.externalTensorCount == 0)
        #expect(try dir.names() == ["m.onnx"])
        #expect(report.modelBytes == (try dir.read("m.onnx")).count)
        let back = try ONNXReader.readModel(path: dir.file("m.onnx"))
        try checkSampleModel(back)
        // The Constant kept its representation (int64_data), the initializer its raw_data.
        if case .int64Data(let v)? = back.graph?.nodes[1].attribute("value")?.tensor?.content { #expect(v == [-1, 4]) }
        else { Issue.record("int64_data representation lost") }
        // Writing what was read gives the same bytes (deterministic, lossless).
        try ONNXWriter.write(back, to: dir.file("again.onnx"))
        #expect(try dir.read("again.onnx") == dir.read("m.onnx"))
    }

    @Test func roundTripExternalData() throws {
        let dir = try TemporaryFolder()
        var options = WriteOptions()
        options.externalData = .always
        options.sizeThreshold = 16
        options.externalDataName = "weights.bin"
        let report = try ONNXWriter.write(sampleModel(), to: dir.file("m.onnx"), options: options)
        // The Constant (16 bytes, written first: nodes come before initializers) and W (64 bytes,
        // aligned to 64) go to the data file.
        #expect(report.externalTensorCount == 2)
        #expect(report.externalDataBytes == 128)
        #expect(try dir.names() == ["m.onnx", "weights.bin"])
        let data = try dir.read("weights.bin")
        #expect(data.count == 128)
        #expect(Array(data[0..<16]) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 4, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(data[16..<64]) == [UInt8](repeating: 0, count: 48))
        #expect(Array(data[64..<128]) == floatBytes((0..<16).map(Float.init)))
        let back = try ONNXReader.readModel(path: dir.file("m.onnx"))
        try checkSampleModel(back)
        let w = try #require(back.graph?.initializers.first?.initializer)
        #expect(w.usesExternalData)
        #expect(w.externalData.map { $0.key ?? "" } == ["location", "offset", "length"])
        #expect(w.externalData.map { $0.value ?? "" } == ["weights.bin", "64", "64"])
        // Without loading external data, nothing is read: the tensor holds no bytes.
        let skeleton = try ONNXReader.readModel(path: dir.file("m.onnx"), loadExternalData: false)
        if case .none? = skeleton.graph?.initializers.first?.initializer?.content {} else { Issue.record("external data were loaded") }
        // And back inline: no data file, no external references.
        let inlineReport = try ONNXWriter.write(back, to: dir.file("inline.onnx"))
        #expect(inlineReport.externalDataFile == nil)
        #expect(try dir.names() == ["inline.onnx", "m.onnx", "weights.bin"])
        let inline = try ONNXReader.readModel(path: dir.file("inline.onnx"))
        try checkSampleModel(inline)
        var external = 0
        inline.forEachTensor { if $0.usesExternalData || !$0.externalData.isEmpty { external += 1 } }
        #expect(external == 0)
    }

    @Test func existingOutputIsKeptWithoutOverwrite() throws {
        let dir = try TemporaryFolder()
        let path = try dir.write("m.onnx", [1, 2, 3])
        #expect(throws: ONNXError.self) { try ONNXWriter.write(sampleModel(), to: path) }
        #expect(try dir.read("m.onnx") == [1, 2, 3])
        #expect(try dir.names() == ["m.onnx"])
        var options = WriteOptions()
        options.overwrite = true
        try ONNXWriter.write(sampleModel(), to: path, options: options)
        try checkSampleModel(try ONNXReader.readModel(path: path))
    }

    @Test func unknownFieldsArePreserved() throws {
        let dir = try TemporaryFolder()
        // Node: unknown varint field 99 = 42; graph: unknown bytes field 50 = "hi"; model:
        // unknown fixed32 field 100.
        let nodeExtra = Wire.int(99, 42)
        let graphExtra = Wire.string(50, "hi")
        let modelExtra = Wire.varint(100 << 3 | 5) + [1, 2, 3, 4]
        let path = try dir.write("u.onnx", Wire.model(nodes: [Wire.reluNode(extra: nodeExtra)], graphExtra: graphExtra, modelExtra: modelExtra))
        let m = try ONNXReader.readModel(path: path)
        let node = try #require(m.graph?.nodes.first)
        #expect(node.unknownFields.map(\.fieldNumber) == [99])
        #expect(node.unknownFields.map(\.wireType) == [0])
        #expect(node.unknownFields.first?.payload == [42])
        #expect(m.graph?.unknownFields.map(\.fieldNumber) == [50])
        #expect(m.graph?.unknownFields.map(\.wireType) == [2])
        // Length-delimited payloads keep their length prefix (as protobuf-c stores them).
        #expect(m.graph?.unknownFields.first?.payload == [2] + Array("hi".utf8))
        #expect(m.unknownFields.map(\.fieldNumber) == [100])
        #expect(m.unknownFields.first?.payload == [1, 2, 3, 4])
        try ONNXWriter.write(m, to: dir.file("out.onnx"))
        let written = try dir.read("out.onnx")
        // The fields are re-emitted at the end of their messages, byte for byte.
        #expect(written.count == Wire.model(nodes: [Wire.reluNode(extra: nodeExtra)], graphExtra: graphExtra, modelExtra: modelExtra).count)
        for needle in [nodeExtra, graphExtra, modelExtra] {
            #expect(contains(written, needle), "\(needle) missing from the output")
        }
        let again = try ONNXReader.readModel(path: dir.file("out.onnx"))
        #expect(again.graph?.nodes.first?.unknownFields == node.unknownFields)
        #expect(again.graph?.unknownFields == m.graph?.unknownFields)
        #expect(again.unknownFields == m.unknownFields)
    }

    @Test func nulInsideANodeNameSurvives() throws {
        let dir = try TemporaryFolder()
        let path = try dir.write("nul.onnx", Wire.model(nodes: [Wire.reluNode(name: [0x61, 0x00, 0x62])]))
        let m = try ONNXReader.readModel(path: path)
        let name = try #require(m.graph?.nodes.first?.name)
        #expect(Array(name.utf8) == [0x61, 0x00, 0x62])
        try ONNXWriter.write(m, to: dir.file("out.onnx"))
        #expect(contains(try dir.read("out.onnx"), Wire.bytes(3, [0x61, 0x00, 0x62])))
        #expect(try ONNXReader.readModel(path: dir.file("out.onnx")).graph?.nodes.first?.name == "a\u{0}b")
    }

    @Test func invalidUTF8IsRejected() throws {
        let dir = try TemporaryFolder()
        let path = try dir.write("bad.onnx", Wire.model(nodes: [Wire.reluNode(name: [0x61, 0xFF, 0x62])]))
        do {
            _ = try ONNXReader.readModel(path: path)
            Issue.record("invalid UTF-8 was accepted")
        } catch let e as ONNXError {
            guard case .invalidModel = e else { Issue.record("wrong error \(e)"); return }
            #expect(e.description.contains(path))
            #expect(e.description.contains("UTF-8"))
        }
    }

    @Test func malformedFilesGiveTypedErrors() throws {
        let dir = try TemporaryFolder()
        func error(_ path: String) -> ONNXError? {
            do { _ = try ONNXReader.readModel(path: path); return nil } catch { return error as? ONNXError }
        }
        if case .unreadable? = error(dir.file("missing.onnx")) {} else { Issue.record("missing file") }
        if case .unreadable? = error(dir.path) {} else { Issue.record("directory") }
        if case .invalidModel? = error(try dir.write("empty.onnx", [])) {} else { Issue.record("empty file") }
        let valid = Wire.model(nodes: [Wire.reluNode()])
        if case .invalidModel(_, let r)? = error(try dir.write("trunc.onnx", Array(valid.dropLast(3)))) {
            #expect(r.contains("offset"))
        } else { Issue.record("truncated file") }
        // 1,000 nested TypeProto.sequence_type: rejected by depth, not by a crash.
        var type: [UInt8] = []
        for _ in 0..<1000 { type = Wire.bytes(4, Wire.bytes(1, type)) }
        let deep = Wire.int(1, 8) + Wire.bytes(7, Wire.string(2, "g") + Wire.bytes(11, Wire.string(1, "X") + Wire.bytes(2, type)))
        if case .invalidModel(_, let r)? = error(try dir.write("deep.onnx", deep)) { #expect(r.contains("nested")) }
        else { Issue.record("deep nesting") }
    }

    @Test func inconsistentTensorIsRejectedWithItsName() throws {
        let dir = try TemporaryFolder()
        // TensorProto { dims 4, data_type FLOAT, name "W", raw_data 12 bytes }.
        let tensor = Wire.int(1, 4) + Wire.int(2, 1) + Wire.string(8, "W") + Wire.bytes(9, [UInt8](repeating: 0, count: 12))
        let path = try dir.write("t.onnx", Wire.model(nodes: [Wire.reluNode()], graphExtra: Wire.bytes(5, tensor)))
        do {
            _ = try ONNXReader.readModel(path: path, loadExternalData: false)
            Issue.record("accepted 12 bytes for float[4]")
        } catch let e as ONNXError {
            guard case .invalidModel = e else { Issue.record("wrong error \(e)"); return }
            #expect(e.description.contains(path) && e.description.contains("'W'") && e.description.contains("12"))
        }
    }
}

func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
    for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
        if Array(haystack[i..<(i + needle.count)]) == needle { return true }
    }
    return false
}
