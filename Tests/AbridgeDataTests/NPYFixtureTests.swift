import Foundation
import Testing
@testable import AbridgeData

/// Reads the .npy files numpy 2.4.6 wrote (see Fixtures/make_fixtures.py) and checks the values
/// numpy says they hold.
@Suite("NPY fixtures written by numpy")
struct NPYFixtureTests {
    @Test func float32Matrix() throws {
        let array = try Fixture.read("f4_2x3.npy")
        #expect(array.dtype == .float32)
        #expect(array.shape == [2, 3])
        #expect(try array.floats() == [0, 1.5, 3, 4.5, 6, 7.5])
        #expect(try array.doubles() == [0, 1.5, 3, 4.5, 6, 7.5])
        let header = try NPYReader.readHeader(contentsOf: Fixture.url("f4_2x3.npy"))
        #expect(header.version == (1, 0) && header.dataOffset == 128 && header.dataByteCount == 24)
    }

    @Test func scalarFloat64() throws {
        let array = try Fixture.read("scalar_f8.npy")
        #expect(array.dtype == .float64)
        #expect(array.shape == [])
        #expect(array.count == 1 && array.rank == 0)
        #expect(try array.doubles() == [3.25])
        #expect(try array.floats() == [3.25])
    }

    @Test func bigEndianInt32IsSwapped() throws {
        let array = try Fixture.read("be_i4.npy")
        #expect(array.dtype == .int32)
        #expect(array.shape == [4])
        #expect(try array.int32s() == [1, -2, 3, 16_909_060])
        #expect(try array.int64s() == [1, -2, 3, 16_909_060])
        #expect(Array(array.data[12..<16]) == [0x04, 0x03, 0x02, 0x01])  // little-endian in memory
    }

    @Test func bigEndianFloat64IsSwapped() throws {
        #expect(try Fixture.read("be_f8.npy").doubles() == [1.5, -2.0])
    }

    @Test func fortranOrderBecomesCOrder() throws {
        let array = try Fixture.read("fortran_f4.npy")
        #expect(array.shape == [2, 3])
        #expect(try array.floats() == [0, 1, 2, 3, 4, 5])
        let cube = try Fixture.read("fortran_i2_3d.npy")
        #expect(cube.dtype == .int16)
        #expect(cube.shape == [2, 3, 4])
        #expect(try cube.int64s() == (0..<24).map(Int64.init))
    }

    @Test func bool() throws {
        let array = try Fixture.read("bool.npy")
        #expect(array.dtype == .bool)
        #expect(try array.bools() == [true, false, true])
        #expect(try array.int64s() == [1, 0, 1])
    }

    @Test func int64Extremes() throws {
        let array = try Fixture.read("i8.npy")
        #expect(array.dtype == .int64)
        #expect(array.shape == [2, 2])
        #expect(try array.int64s() == [Int64.min, -1, 0, Int64.max])
        expectDataError(.valueOutOfRange) { _ = try array.int32s() }
        expectDataError(.typeMismatch) { _ = try array.floats() }
    }

    @Test func float16() throws {
        let array = try Fixture.read("f2.npy")
        #expect(array.dtype == .float16)
        #expect(try array.float16Bits() == [0x3C00, 0xC100, 0x7BFF, 0x0400, 0x0001, 0x7C00, 0x8000])
        let values = try array.floats()
        #expect(Array(values[0..<5]) == [1.0, -2.5, 65504, 0x1p-14, 0x1p-24])
        #expect(values[5] == .infinity)
        #expect(values[6] == 0 && values[6].sign == .minus)
        #expect(try array.doubles()[4] == 0x1p-24)
    }

    @Test func unicodeStrings() throws {
        let array = try Fixture.read("u5.npy")
        #expect(array.dtype == .unicode(length: 5))
        #expect(array.shape == [4])
        #expect(try array.strings() == ["ab", "h\u{E9}llo", "", "x\u{1F600}"])
    }

    @Test func byteStrings() throws {
        let array = try Fixture.read("s3.npy")
        #expect(array.dtype == .bytes(length: 3))
        #expect(try array.byteStrings() == [Array("ab".utf8), Array("xyz".utf8), []])
    }

    @Test func complex64() throws {
        let array = try Fixture.read("c8.npy")
        #expect(array.dtype == .complex64)
        #expect(array.shape == [2])
        let parts = array.data.withUnsafeBytes { raw in
            (0..<4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        #expect(parts == [1, 2, -3.5, -0.25])
    }

    @Test func emptyArray() throws {
        let array = try Fixture.read("empty_u2.npy")
        #expect(array.dtype == .uint16)
        #expect(array.shape == [3, 0])
        #expect(array.data.isEmpty)
        #expect(try array.int64s() == [])
    }

    @Test(arguments: ["v2_i4.npy", "v3_i4.npy"])
    func laterFormatVersions(name: String) throws {
        let header = try NPYReader.readHeader(contentsOf: Fixture.url(name))
        #expect(header.version.major == (name.hasPrefix("v2") ? 2 : 3))
        #expect(try Fixture.read(name).int32s() == [7, 8, 9])
    }

    /// Our writer produces byte-for-byte what numpy.save produced for C-order little-endian arrays.
    @Test(arguments: ["f4_2x3.npy", "scalar_f8.npy", "bool.npy", "i8.npy", "f2.npy", "u5.npy", "s3.npy",
                      "c8.npy", "empty_u2.npy", "fortran_i2_3d.npy"])
    func writerMatchesNumPyBytes(name: String) throws {
        let array = try Fixture.read(name)
        let written = try NPYWriter.encode(array)
        if name.hasPrefix("fortran") {
            // numpy wrote fortran_order True; ours is C order with the same values.
            #expect(try NPYReader.decode(written) == array)
        } else {
            #expect(written == (try Fixture.bytes(name)))
        }
    }
}
