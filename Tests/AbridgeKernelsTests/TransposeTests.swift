import Testing
@testable import AbridgeKernels

@Suite struct TransposeTests {
    /// Reference: direct index arithmetic (the definition `Y[i] = X[j]`, `j[perm[k]] = i[k]`).
    func reference<T>(_ x: [T], _ shape: [Int], _ perm: [Int]) -> [T] {
        let outShape = perm.map { shape[$0] }, inStrides = ShapeMath.strides(shape)
        let n = x.count
        return (0..<n).map { linear in
            var r = linear, offset = 0
            for k in stride(from: perm.count - 1, through: 0, by: -1) {
                offset += (r % outShape[k]) * inStrides[perm[k]]
                r /= outShape[k]
            }
            return x[offset]
        }
    }

    func transpose<T: Numeric>(_ x: [T], _ shape: [Int], _ perm: [Int]) throws -> [T] {
        try x.withUnsafeBufferPointer { px in try output(x.count) { try Transpose.run(px, shape: shape, perm: perm, into: $0) } }
    }

    @Test func handComputed2D() throws {
        // [[1,2,3],[4,5,6]]^T = [[1,4],[2,5],[3,6]]
        #expect(try transpose([1, 2, 3, 4, 5, 6] as [Float], [2, 3], [1, 0]) == [1, 4, 2, 5, 3, 6])
        #expect(try Transpose.outputShape([2, 3, 4], perm: []) == [4, 3, 2])
    }

    @Test func matchesDefinitionForManyPermutationsAndSizes() throws {
        let shape = [3, 1, 4, 5, 2]
        let n = shape.reduce(1, *)
        let x8 = (0..<n).map { UInt8($0 % 251) }, x16 = (0..<n).map { Int16($0) }
        let x32 = (0..<n).map { Float($0) }, x64 = (0..<n).map { Int64($0) * 1_000_000_007 }
        let perms = [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [0, 2, 3, 1, 4], [2, 3, 4, 0, 1], [1, 0, 3, 4, 2], [0, 1, 2, 4, 3], [3, 0, 4, 1, 2]]
        for perm in perms {
            #expect(try transpose(x8, shape, perm) == reference(x8, shape, perm), "perm \(perm)")
            #expect(try transpose(x16, shape, perm) == reference(x16, shape, perm), "perm \(perm)")
            #expect(try transpose(x32, shape, perm) == reference(x32, shape, perm), "perm \(perm)")
            #expect(try transpose(x64, shape, perm) == reference(x64, shape, perm), "perm \(perm)")
        }
    }

    @Test func largeTiledAndOddElementSize() throws {
        let x = (0..<(67 * 45)).map { Float($0) }
        #expect(try transpose(x, [67, 45], [1, 0]) == reference(x, [67, 45], [1, 0]))
        // 3-byte elements: bytes of element i are (i, i, i).
        let shape = [2, 3, 4], perm = [2, 0, 1]
        let bytes = (0..<24).flatMap { [UInt8($0), UInt8($0), UInt8($0)] }
        var out = [UInt8](repeating: 0, count: bytes.count)
        try bytes.withUnsafeBytes { src in try out.withUnsafeMutableBytes { dst in
            try Transpose.run(src, shape: shape, perm: perm, elementSize: 3, into: dst)
        } }
        let expected = reference(Array(0..<24).map { UInt8($0) }, shape, perm).flatMap { [$0, $0, $0] }
        #expect(out == expected)
    }

    @Test func invalidPermutationThrows() {
        #expect(throws: KernelError.self) { try Transpose.outputShape([2, 3], perm: [0, 0]) }
        #expect(throws: KernelError.self) { try Transpose.outputShape([2, 3], perm: [0, 1, 2]) }
    }
}
