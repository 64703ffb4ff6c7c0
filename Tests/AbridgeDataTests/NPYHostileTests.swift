import Foundation
import Testing
@testable import AbridgeData

/// Malformed and hostile .npy input: every case throws a typed DataError naming the file.
@Suite("Hostile .npy input")
struct NPYHostileTests {
    private func expectFailure(_ name: String, _ kind: DataError.Kind, mentioning text: String,
                               sourceLocation: SourceLocation = #_sourceLocation) -> DataError? {
        let error = expectDataError(kind, sourceLocation: sourceLocation) { _ = try Fixture.read(name) }
        if let error {
            #expect(error.file == Fixture.url(name).path, sourceLocation: sourceLocation)
            #expect(error.description.contains(name), sourceLocation: sourceLocation)
            #expect(error.description.contains(text), "\(error)", sourceLocation: sourceLocation)
        }
        return error
    }

    @Test func truncatedData() {
        let error = expectFailure("bad_truncated.npy", .truncated, mentioning: "24 bytes")
        #expect(error?.offset == 148)
    }

    @Test func trailingBytes() {
        let error = expectFailure("bad_trailing.npy", .trailingBytes, mentioning: "2 unexpected bytes")
        #expect(error?.offset == 152)
    }

    @Test func badMagic() {
        let error = expectFailure("bad_magic.npy", .badMagic, mentioning: "magic")
        #expect(error?.offset == 5)
    }

    @Test func badVersion() {
        _ = expectFailure("bad_version.npy", .unsupportedVersion, mentioning: "9.0")
    }

    @Test func hugeShapeOverflows() {
        _ = expectFailure("bad_huge_shape.npy", .sizeOverflow, mentioning: "(4294967296, 4294967296)")
    }

    @Test func shapeLargerThanFile() {
        _ = expectFailure("bad_size_mismatch.npy", .truncated, mentioning: "8000000 bytes")
    }

    @Test func negativeShape() {
        _ = expectFailure("bad_negative_shape.npy", .invalidShape, mentioning: "-3")
    }

    @Test func missingKey() {
        _ = expectFailure("bad_missing_key.npy", .malformedHeader, mentioning: "fortran_order")
    }

    @Test func headerSyntax() {
        _ = expectFailure("bad_header_syntax.npy", .malformedHeader, mentioning: "expected ',' or '}'")
    }

    @Test func objectArrayIsRefused() {
        _ = expectFailure("bad_object.npy", .objectArray, mentioning: "pickle")
    }

    @Test func structuredDTypeIsRefused() {
        _ = expectFailure("bad_structured.npy", .unsupportedDType, mentioning: "structured")
    }

    @Test func missingFile() {
        expectDataError(.io) { _ = try Fixture.read("does_not_exist.npy") }
    }

    @Test func everyPrefixOfAValidFileFailsCleanly() throws {
        let bytes = try Fixture.bytes("fortran_i2_3d.npy")
        for length in 0..<bytes.count {
            do {
                _ = try NPYReader.decode(Array(bytes[0..<length]), source: "prefix")
                Issue.record("prefix of \(length) bytes was accepted")
            } catch let error as DataError {
                #expect(error.kind == .truncated || error.kind == .malformedHeader, "\(length): \(error)")
                #expect(error.file == "prefix")
            }
        }
    }

    @Test func corruptedBytesNeverCrash() throws {
        // Flip every byte of the header to a few values: each outcome is a value or a DataError.
        let bytes = try Fixture.bytes("f4_2x3.npy")
        for index in 0..<128 {
            for value: UInt8 in [0, 0x20, 0x27, 0x28, 0x2C, 0x2D, 0x39, 0x7B, 0x7D, 0xFF] {
                var copy = bytes
                copy[index] = value
                do { _ = try NPYReader.decode(copy) } catch is DataError {}
            }
        }
    }
}

@Suite("Header dict parsing")
struct NPYHeaderParsingTests {
    private func file(_ dict: String, version: UInt8 = 1, data: [UInt8] = []) -> [UInt8] {
        var header = Array(dict.utf8) + [UInt8(ascii: "\n")]
        var bytes = NPYHeader.magic + [version, 0]
        if version == 1 {
            bytes += [UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
        } else {
            bytes += [UInt8(header.count & 0xFF), UInt8(header.count >> 8), 0, 0]
        }
        header += data
        return bytes + header
    }

    @Test func anyKeyOrderAndWhitespace() throws {
        let text = "{ \"shape\" :(2,) ,'fortran_order':False,\t'descr':'<i2'}   "
        let array = try NPYReader.decode(file(text, data: [1, 0, 0xFF, 0xFF]))
        #expect(try array.int64s() == [1, -1])
    }

    @Test func shapeForms() throws {
        #expect(try NPYHeader.parse(file("{'descr': '<f4', 'fortran_order': False, 'shape': (), }")).shape == [])
        #expect(try NPYHeader.parse(file("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }")).shape == [5])
        #expect(try NPYHeader.parse(file("{'descr': '<f4', 'fortran_order': False, 'shape': (5L, 0)}")).shape == [5, 0])
        // Python reads `(5)` as the int 5, which is not a tuple.
        expectDataError(.malformedHeader) {
            _ = try NPYHeader.parse(file("{'descr': '<f4', 'fortran_order': False, 'shape': (5), }"))
        }
    }

    @Test func nativeAndNotApplicableByteOrders() throws {
        let native = try NPYReader.decode(file("{'descr': '=u2', 'fortran_order': False, 'shape': (1,)}", data: [1, 2]))
        #expect(try native.int64s() == [0x0201])
        let bytes = try NPYReader.decode(file("{'descr': '|u1', 'fortran_order': False, 'shape': (1,)}", data: [7]))
        #expect(try bytes.uint8s() == [7])
        expectDataError(.unsupportedDType) {
            _ = try NPYHeader.parse(file("{'descr': '|u2', 'fortran_order': False, 'shape': (1,)}"))
        }
    }

    @Test(arguments: [
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",
        "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",
        "['descr', '<f4']",
        "{'descr': ((((((((((((((((((((1,),),),),),),),),),),),),),),),),),),),), 'fortran_order': False, 'shape': ()}",
        "",
    ])
    func malformedHeaders(text: String) {
        expectDataError(.malformedHeader) { _ = try NPYHeader.parse(file(text)) }
    }

    @Test(arguments: ["<f16", "<i3", "<M8[ns]", "|V8", "<g", "<f", "|b2", "<c32"])
    func unsupportedDTypes(descr: String) {
        expectDataError(.unsupportedDType) {
            _ = try NPYHeader.parse(file("{'descr': '\(descr)', 'fortran_order': False, 'shape': ()}"))
        }
    }

    @Test func hugeIntegerInShape() {
        expectDataError(.sizeOverflow) {
            _ = try NPYHeader.parse(file("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}"))
        }
    }

    @Test func tooManyDimensions() {
        let shape = "(" + String(repeating: "1, ", count: 65) + ")"
        expectDataError(.invalidShape) {
            _ = try NPYHeader.parse(file("{'descr': '<f4', 'fortran_order': False, 'shape': \(shape)}"))
        }
    }

    @Test func oversizedHeaderLengthIsRefusedBeforeReading() {
        // A version 2.0 header claiming 4 GiB.
        let bytes = NPYHeader.magic + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF] + Array("{}".utf8)
        let error = expectDataError(.malformedHeader) { _ = try NPYReader.decode(bytes) }
        #expect(error?.offset == 8)
    }

    @Test func version3HeaderMustBeUTF8() {
        var bytes = file("{'descr': '<f4', 'fortran_order': False, 'shape': ()}", version: 3)
        bytes[20] = 0xFF
        expectDataError(.malformedHeader) { _ = try NPYHeader.parse(bytes) }
    }
}
