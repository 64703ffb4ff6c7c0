import Foundation
import Testing
@testable import AbridgeData

@Suite("Writing and reading back")
struct RoundTripTests {
    static let samples: [NumPyArray] = {
        // swiftlint:disable force_try
        // Test-only literals; these constructors cannot fail for matching counts.
        [
            try! NumPyArray([Float(1.5), -2, .infinity, .leastNonzeroMagnitude, 3, 4], shape: [2, 3]),
            try! NumPyArray([Double.pi], shape: []),
            try! NumPyArray([Int64.min, 0, Int64.max], shape: [3]),
            try! NumPyArray([Int32(-7), 8], shape: [2, 1]),
            try! NumPyArray([Int16(-300)], shape: [1, 1, 1]),
            try! NumPyArray([Int8(-128), 127], shape: [2]),
            try! NumPyArray([UInt8(255), 0], shape: [2]),
            try! NumPyArray([UInt16(65535)], shape: [1]),
            try! NumPyArray([UInt32.max], shape: [1]),
            try! NumPyArray([UInt64.max], shape: [1]),
            try! NumPyArray([true, false], shape: [2]),
            try! NumPyArray.float16([1, 0.1, -65504, 1e-7], shape: [4]),
            try! NumPyArray(strings: ["", "héllo", "𝄞"], shape: [3]),
            try! NumPyArray(byteStrings: [[0x41], [0x00, 0x42]], shape: [2]),
            try! NumPyArray([Float](), shape: [0, 5]),
        ]
        // swiftlint:enable force_try
    }()

    @Test(arguments: samples)
    func npyInMemory(array: NumPyArray) throws {
        let bytes = try NPYWriter.encode(array)
        #expect(try NPYReader.decode(bytes) == array)
        let header = try NPYHeader.parse(bytes)
        #expect(header.dataOffset % 64 == 0)
        #expect(header.version == (1, 0))
    }

    @Test func npyFileIsAtomic() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let url = folder.file("a.npy")
        let array = try NumPyArray([Float(1), 2, 3], shape: [3])
        try NPYWriter.write(array, to: url)
        try NPYWriter.write(array, to: url)  // replaces
        #expect(try NPYReader.read(contentsOf: url) == array)
        #expect(try folder.contents() == ["a.npy"])
    }

    @Test(arguments: [false, true])
    func npz(compressed: Bool) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let url = folder.file("all.npz")
        let pairs = Self.samples.enumerated().map { (key: "arr_\($0.offset)", array: $0.element) }
        try NPZWriter.write(pairs, to: url, compressed: compressed)
        let archive = try NPZArchive(contentsOf: url)
        #expect(archive.keys == pairs.map(\.key))
        let arrays = try archive.arrays()
        for pair in pairs { #expect(arrays[pair.key] == pair.array) }
        #expect(try archive.array(forKey: "arr_12").strings() == ["", "héllo", "𝄞"])
        #expect(try folder.contents() == ["all.npz"])
    }

    @Test func largeCompressedMemberSpansManyChunks() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let url = folder.file("big.npz")
        let values = (0..<300_000).map { Float($0 % 977) * 0.5 }
        let array = try NumPyArray(values, shape: [600, 500])
        try NPZWriter.write(["w": array, "z": try NumPyArray([Double](repeating: 0, count: 200_000), shape: [200_000])],
                            to: url, compressed: true)
        let arrays = try NPZArchive.readAll(contentsOf: url)
        #expect(try arrays["w"]?.floats() == values)
        #expect(arrays["z"]?.count == 200_000)
    }

    @Test func failedNPZWriteLeavesExistingFileAndNoTemporaries() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let url = folder.file("keep.npz")
        let good = try NumPyArray([Int64(1)], shape: [1])
        try NPZWriter.write(["a": good], to: url)
        let before = try Data(contentsOf: url)
        var broken = good
        broken.shape = [2]  // data no longer matches
        let error = expectDataError(.invalidArgument) {
            try NPZWriter.write([(key: "a", array: good), (key: "b", array: broken)], to: url)
        }
        #expect(error?.member == "b.npy")
        expectDataError(.invalidArgument) { try NPZWriter.write([(key: "a", array: good), (key: "a", array: good)], to: url) }
        expectDataError(.invalidArgument) { try NPZWriter.write([(key: "", array: good)], to: url) }
        #expect(try Data(contentsOf: url) == before)
        #expect(try folder.contents() == ["keep.npz"])
    }

    @Test func writeIntoMissingFolderFails() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let url = folder.file("no/such/dir/x.npz")
        expectDataError(.io) { try NPZWriter.write(["a": try NumPyArray([Float(1)], shape: [1])], to: url) }
        expectDataError(.io) { try NPYWriter.write(try NumPyArray([Float(1)], shape: [1]), to: folder.file("no/x.npy")) }
        #expect(try folder.contents() == [])
    }

    @Test func versionTwoHeaderWhenNeeded() throws {
        // A 64-dimensional shape with long extents does not need v2, so build the header directly.
        let header = NPYWriter.header(dtype: .unicode(length: 1), shape: [])
        #expect(header[6] == 1)
        // Force a long header through a huge unicode width descr? Widths are short; instead check
        // the v2 branch with a shape whose text exceeds 65535 bytes is impossible (rank <= 64), so
        // verify the padding rule for v1 across many header lengths.
        for rank in 0...64 {
            let bytes = NPYWriter.header(dtype: .float32, shape: [Int](repeating: 0, count: rank))
            #expect(bytes.count % 64 == 0)
            #expect(bytes.last == UInt8(ascii: "\n"))
            #expect(try NPYHeader.parse(bytes).shape.count == rank)
        }
    }
}

@Suite("Typed constructors and accessors")
struct ElementTests {
    @Test func countMismatch() {
        expectDataError(.invalidArgument) { _ = try NumPyArray([Float(1), 2], shape: [3]) }
        expectDataError(.invalidShape) { _ = try NumPyArray([Float](), shape: [-1]) }
        expectDataError(.sizeOverflow) { _ = try NumPyArray([Float](), shape: [Int.max, 2]) }
        expectDataError(.invalidArgument) { _ = try NumPyArray(dtype: .int32, shape: [2], data: [0, 0, 0]) }
        expectDataError(.invalidArgument) { _ = try NumPyArray(strings: ["toolong"], shape: [1], length: 3) }
    }

    @Test func typeMismatch() throws {
        let floats = try NumPyArray([Float(1)], shape: [1])
        expectDataError(.typeMismatch) { _ = try floats.int64s() }
        expectDataError(.typeMismatch) { _ = try floats.strings() }
        expectDataError(.typeMismatch) { _ = try floats.bools() }
        let unsigned = try NumPyArray([UInt64.max], shape: [1])
        expectDataError(.valueOutOfRange) { _ = try unsigned.int64s() }
    }

    @Test func invalidCodePoint() throws {
        let array = try NumPyArray(dtype: .unicode(length: 1), shape: [1], data: [0x00, 0xD8, 0, 0])  // U+D800
        expectDataError(.valueOutOfRange) { _ = try array.strings() }
    }

    @Test func halfPrecisionRounding() {
        #expect(HalfPrecision.bits(from: 1) == 0x3C00)
        #expect(HalfPrecision.bits(from: 65504) == 0x7BFF)
        #expect(HalfPrecision.bits(from: 65520) == 0x7C00)  // rounds up to inf
        #expect(HalfPrecision.bits(from: 0x1p-24) == 0x0001)
        #expect(HalfPrecision.bits(from: 0x1p-25) == 0x0000)  // ties to even
        #expect(HalfPrecision.bits(from: 0x1.8p-25) == 0x0001)
        #expect(HalfPrecision.bits(from: -0.0) == 0x8000)
        #expect(HalfPrecision.bits(from: 0.1) == 0x2E66)  // numpy: np.float16(0.1).view('u2') == 0x2e66
        #expect(HalfPrecision.float(from: HalfPrecision.bits(from: .nan)).isNaN)
        // Every finite half survives a round trip through Float.
        let broken = (UInt16(0)...UInt16.max).filter {
            $0 & 0x7C00 != 0x7C00 && HalfPrecision.bits(from: HalfPrecision.float(from: $0)) != $0
        }
        #expect(broken.isEmpty)
    }
}
