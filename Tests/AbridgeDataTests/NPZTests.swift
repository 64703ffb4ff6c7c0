import Foundation
import Testing
@testable import AbridgeData

@Suite("NPZ archives")
struct NPZTests {
    @Test func savez() throws {
        let archive = try NPZArchive(contentsOf: Fixture.url("savez.npz"))
        #expect(archive.keys == ["a", "b"])
        let arrays = try archive.arrays()
        #expect(arrays.keys.sorted() == ["a", "b"])
        #expect(arrays["a"]?.dtype == .int32)
        #expect(try arrays["a"]?.int32s() == [0, 1, 2, 3])
        #expect(arrays["b"]?.shape == [2, 2])
        #expect(try arrays["b"]?.doubles() == [1, 2, 3, 4])
    }

    @Test func savezCompressed() throws {
        let arrays = try NPZArchive.readAll(contentsOf: Fixture.url("savez_compressed.npz"))
        #expect(arrays.keys.sorted() == ["x", "y"])
        #expect(arrays["x"]?.shape == [100])
        #expect(try arrays["x"]?.floats() == [Float](repeating: 0, count: 100))
        #expect(arrays["y"]?.dtype == .uint8)
        #expect(try arrays["y"]?.uint8s() == [0, 1, 2])
    }

    @Test func lazySingleKey() throws {
        let archive = try NPZArchive(contentsOf: Fixture.url("savez_compressed.npz"))
        #expect(try archive.array(forKey: "y").uint8s() == [0, 1, 2])
        let error = expectDataError(.keyNotFound) { _ = try archive.array(forKey: "z") }
        #expect(error?.description.contains("'x', 'y'") == true)
        expectDataError(.keyNotFound) { _ = try archive.array(forKey: "y.npy") }
    }

    @Test func memberThatIsNotNPY() {
        let archive = try? NPZArchive(contentsOf: Fixture.url("bad_member_not_npy.npz"))
        #expect(archive?.keys == ["a"])
        let error = expectDataError(.badMagic) { _ = try archive?.array(forKey: "a") }
        #expect(error?.member == "a.npy")
        #expect(error?.description.contains("bad_member_not_npy.npz: member 'a.npy'") == true)
    }

    @Test func declaredSizeDisagreesWithHeader() {
        let error = expectDataError(.sizeMismatch) {
            _ = try NPZArchive.readAll(contentsOf: Fixture.url("bad_member_size.npz"))
        }
        #expect(error?.member == "a.npy")
    }

    @Test func inflatingPastTheDeclaredSizeStops() {
        expectDataError(.sizeMismatch) {
            _ = try NPZArchive.readAll(contentsOf: Fixture.url("bad_inflates_past_declared.npz"))
        }
    }

    @Test func declaredSizeBeyondDeflateRatio() {
        let error = expectDataError(.sizeMismatch) {
            _ = try NPZArchive.readAll(contentsOf: Fixture.url("bad_declared_huge.npz"))
        }
        #expect(error?.description.contains("more than deflate can produce") == true)
    }

    @Test(.timeLimit(.minutes(1)))
    func truncatedDeflateStreamFailsInsteadOfHanging() {
        // ZIPFoundation 0.9.20's own extract() spins forever on this file (checked by hand).
        // Our bounded reader feeds one zero chunk past the compressed bytes and then fails; here the
        // stored block swallows that padding and trips the declared-size cap first.
        do {
            _ = try NPZArchive.readAll(contentsOf: Fixture.url("bad_truncated_deflate.npz"))
            Issue.record("a truncated deflate stream was accepted")
        } catch let error as DataError {
            #expect([.badArchive, .sizeMismatch, .truncated].contains(error.kind), "\(error)")
            #expect(error.member == "a.npy")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func notAZip() {
        let error = expectDataError(.badArchive) { _ = try NPZArchive(contentsOf: Fixture.url("bad_not_zip.npz")) }
        #expect(error?.file == Fixture.url("bad_not_zip.npz").path)
    }

    @Test func missingFile() {
        expectDataError(.io) { _ = try NPZArchive(contentsOf: Fixture.url("nope.npz")) }
    }

    @Test func corruptedArchivesNeverCrash() throws {
        // Every single-byte change of a compressed archive yields arrays or a DataError.
        let bytes = try Fixture.bytes("savez_compressed.npz")
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let url = folder.file("mutant.npz")
        for index in stride(from: 0, to: bytes.count, by: 1) {
            var copy = bytes
            copy[index] ^= 0x5A
            try Data(copy).write(to: url)
            do { _ = try NPZArchive.readAll(contentsOf: url) } catch is DataError {}
        }
    }
}
