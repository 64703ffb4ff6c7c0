import AbridgeIR
import Testing

@Suite("DataType sizes")
struct DataTypeTests {
    /// (type, bits per element, bytes for 1 element, bytes for 7 elements), from onnx-ml.proto:
    /// fixed-width types take their width; 4-bit types pack two per byte, 2-bit types four per
    /// byte, 6-bit floats form an LSB-first bit stream of ceil(6 n / 8) bytes.
    static let table: [(DataType, Int, Int, Int)] = [
        (.float, 32, 4, 28), (.uint8, 8, 1, 7), (.int8, 8, 1, 7), (.uint16, 16, 2, 14), (.int16, 16, 2, 14),
        (.int32, 32, 4, 28), (.int64, 64, 8, 56), (.bool, 8, 1, 7), (.float16, 16, 2, 14), (.double, 64, 8, 56),
        (.uint32, 32, 4, 28), (.uint64, 64, 8, 56), (.complex64, 64, 8, 56), (.complex128, 128, 16, 112),
        (.bfloat16, 16, 2, 14), (.float8e4m3fn, 8, 1, 7), (.float8e4m3fnuz, 8, 1, 7), (.float8e5m2, 8, 1, 7),
        (.float8e5m2fnuz, 8, 1, 7), (.uint4, 4, 1, 4), (.int4, 4, 1, 4), (.float4e2m1, 4, 1, 4),
        (.float8e8m0, 8, 1, 7), (.uint2, 2, 1, 2), (.int2, 2, 1, 2), (.float6e2m3, 6, 1, 6), (.float6e3m2, 6, 1, 6),
    ]

    @Test func everyKnownTypeIsInTheTable() {
        let covered = Set(Self.table.map(\.0.rawValue)) .union([DataType.string.rawValue])
        #expect(covered == Set(DataType.allKnown.map(\.rawValue)))
        #expect(DataType.allKnown.count == 28)
    }

    @Test(arguments: table.indices)
    func byteCounts(_ i: Int) {
        let (type, bits, one, seven) = Self.table[i]
        #expect(type.bitWidth == bits)
        #expect(type.byteCount(forElements: 0) == 0)
        #expect(type.byteCount(forElements: 1) == one)
        #expect(type.byteCount(forElements: 7) == seven)
        #expect(type.isSubByte == (bits < 8))
        #expect(type.byteCount(forElements: -1) == nil)
        #expect(type.byteCount(forElements: Int.max) == nil, "overflow must be reported")
    }

    @Test func packedTypes() {
        // int4 / uint4 / float4: two per byte, odd counts padded.
        #expect(DataType.int4.byteCount(forElements: 2) == 1)
        #expect(DataType.int4.byteCount(forElements: 5) == 3)
        // int2 / uint2: four per byte.
        #expect(DataType.int2.byteCount(forElements: 4) == 1)
        #expect(DataType.uint2.byteCount(forElements: 5) == 2)
        // float6: 4 elements in 3 bytes; 5 elements in ceil(30 / 8) = 4 bytes.
        #expect(DataType.float6e2m3.byteCount(forElements: 4) == 3)
        #expect(DataType.float6e3m2.byteCount(forElements: 5) == 4)
        #expect(DataType.float6e3m2.byteCount(forElements: 8) == 6)
    }

    @Test func typesWithoutFixedWidth() {
        #expect(DataType.string.bitWidth == nil)
        #expect(DataType.string.byteCount(forElements: 3) == nil)
        #expect(DataType.undefined.byteCount(forElements: 1) == nil)
        #expect(DataType(rawValue: 99).byteCount(forElements: 1) == nil)
        #expect(!DataType(rawValue: 99).isKnown)
        #expect(DataType(rawValue: 99).name == "DataType(99)")
    }

    @Test func names() {
        #expect(DataType.float8e8m0.name == "FLOAT8E8M0")
        #expect(DataType.float6e3m2.name == "FLOAT6E3M2")
        #expect(DataType(name: "float32") == .float)
        #expect(DataType(name: "INT4") == .int4)
        #expect(DataType(name: "nope") == nil)
    }
}

@Suite("Tensor.packedBytes")
struct PackedBytesTests {
    func packed(_ type: DataType, _ dims: [Int64], _ content: TensorContent) throws -> [UInt8] {
        try Tensor(name: "t", dataType: type, dims: dims, content: content).packedBytes().array
    }

    @Test func float16FromInt32Data() throws {
        // onnx-ml.proto: float16 values are stored bit-wise, one per int32. 1.0 = 0x3C00,
        // -2.0 = 0xC000, 0.5 = 0x3800; raw_data is little-endian.
        #expect(try packed(.float16, [3], .int32Data([0x3C00, 0xC000, 0x3800])) == [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38])
    }

    @Test func bfloat16FromInt32Data() throws {
        // 1.0 = 0x3F80, -0.5 = 0xBF00.
        #expect(try packed(.bfloat16, [2], .int32Data([0x3F80, 0xBF00])) == [0x80, 0x3F, 0x00, 0xBF])
    }

    @Test func int8FromInt32Data() throws {
        #expect(try packed(.int8, [4], .int32Data([-1, 127, -128, 0])) == [0xFF, 0x7F, 0x80, 0x00])
        #expect(try packed(.bool, [3], .int32Data([1, 0, 1])) == [1, 0, 1])
    }

    @Test func int4FromInt32Data() throws {
        // Elements -1, 2, 7: each int32 holds one packed byte, first element in the low nibble:
        // byte 0 = 0x2 << 4 | 0xF = 0x2F, byte 1 = 0x07 (high nibble padding).
        #expect(try packed(.int4, [3], .int32Data([0x2F, 0x07])) == [0x2F, 0x07])
        // Three int32 values for three int4 elements is the unpacked (wrong) form.
        #expect(throws: IRError.self) { try packed(.int4, [3], .int32Data([-1, 2, 7])) }
    }

    @Test func int2FromInt32Data() throws {
        // Elements 1, -1 (0b11), 0, -2 (0b10), 1: byte 0 = 1 | 3 << 2 | 0 << 4 | 2 << 6 = 0x8D.
        #expect(try packed(.int2, [5], .int32Data([0x8D, 0x01])) == [0x8D, 0x01])
    }

    @Test func float6FromInt32Data() throws {
        // onnx-ml.proto: x0..x3 = 0x3F, 0x01, 0x2A, 0x15 pack to
        // byte0 = x0 | (x1 & 3) << 6 = 0x7F; byte1 = x1 >> 2 | (x2 & 0xF) << 4 = 0xA0;
        // byte2 = x2 >> 4 | x3 << 2 = 0x56.
        #expect(try packed(.float6e2m3, [4], .int32Data([0x3F, 0x01, 0x2A, 0x15])) == [0x7F, 0xA0, 0x56])
    }

    @Test func otherTypedFields() throws {
        // complex64 in float_data: two floats per element (1.0 = 0x3F800000, 2.0 = 0x40000000).
        #expect(try packed(.complex64, [1], .floatData([1, 2])) == [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
        // uint32 in uint64_data: truncated to 4 bytes each.
        #expect(try packed(.uint32, [2], .uint64Data([1, 0xFFFF_FFFF])) == [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try packed(.int64, [1], .int64Data([-2])) == [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try packed(.float, [], .raw(.owned([0, 0, 0x80, 0x3F]))) == [0, 0, 0x80, 0x3F])   // scalar
    }

    @Test func mismatchesThrow() {
        #expect(throws: IRError.self) { try packed(.float, [4], .raw(.owned([UInt8](repeating: 0, count: 12)))) }
        #expect(throws: IRError.self) { try packed(.float, [4], .floatData([1, 2, 3])) }
        #expect(throws: IRError.self) { try packed(.int8, [2], .floatData([1, 2])) }
        #expect(throws: IRError.self) { try packed(.string, [1], .stringData([[0x61]])) }
        #expect(throws: IRError.self) { try packed(.float, [-1], .raw(.empty)) }
    }
}

@Suite("Tensor.validateData")
struct ValidateDataTests {
    func tensor(_ type: DataType?, _ dims: [Int64], _ content: TensorContent, external: Bool = false) -> Tensor {
        Tensor(name: "w", dataType: type, dims: dims, content: content, dataLocation: external ? 1 : nil)
    }

    @Test func consistentTensorsPass() throws {
        try tensor(.float, [2, 2], .raw(.owned([UInt8](repeating: 0, count: 16)))).validateData()
        try tensor(.float, [0, 5], .none).validateData()
        try tensor(.int4, [3], .raw(.owned([0, 0]))).validateData()
        try tensor(.int4, [3], .int32Data([0, 0])).validateData()
        try tensor(.float6e3m2, [5], .raw(.owned([0, 0, 0, 0]))).validateData()
        try tensor(.complex128, [1], .doubleData([1, 2])).validateData()
        try tensor(.string, [2], .stringData([[], [0x61]])).validateData()
        // External data not loaded: only the shape is checked.
        try tensor(.float, [1 << 20], .none, external: true).validateData()
        // Unknown element types keep whatever they hold (they must round-trip).
        try tensor(DataType(rawValue: 99), [3], .raw(.owned([1, 2]))).validateData()
    }

    @Test func inconsistentTensorsThrow() {
        let bad: [Tensor] = [
            tensor(.float, [4], .raw(.owned([UInt8](repeating: 0, count: 12)))),
            tensor(.float, [4], .raw(.owned([UInt8](repeating: 0, count: 20)))),
            tensor(.float, [4], .none),
            tensor(.float, [-2, -2], .raw(.owned([UInt8](repeating: 0, count: 16)))),
            tensor(.float, [1 << 31, 1 << 31, 1 << 31], .raw(.owned([0]))),      // element count overflows
            tensor(.float, [1 << 61], .raw(.owned([0]))),                          // byte count overflows
            tensor(.float, [-1], .none, external: true),
            tensor(.int4, [4], .int32Data([1, 2, 3, 4])),
            tensor(.float16, [2], .floatData([1, 2])),
            tensor(.string, [2], .stringData([[0x61]])),
            tensor(.string, [1], .raw(.owned([0x61]))),
        ]
        for t in bad {
            #expect(throws: IRError.self, "dims \(t.dims) \(t.elementType)") { try t.validateData() }
        }
    }

    @Test func errorNamesTheTensor() {
        do {
            try tensor(.float, [4], .raw(.owned([0, 0]))).validateData()
            Issue.record("no error")
        } catch {
            #expect(String(describing: error).contains("'w'"))
            #expect(String(describing: error).contains("2 bytes"))
        }
    }
}
