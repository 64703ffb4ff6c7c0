import Testing
@testable import AbridgeKernels

@Suite struct BroadcastTests {
    func add<T: Numeric>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int]) throws -> [T] {
        let n = try Broadcast.shape(aShape, bShape).reduce(1, *)
        return try a.withUnsafeBufferPointer { pa in try b.withUnsafeBufferPointer { pb in
            try output(n) { try Broadcast.binary(pa, aShape, pb, bShape, into: $0, +) }
        } }
    }

    @Test func broadcastShapesFollowNumpyRules() throws {
        #expect(try Broadcast.shape(of: [[2, 1, 3], [4, 1], [3]]) == [2, 4, 3])
        #expect(try Broadcast.shape([], [5]) == [5])
        #expect(try Broadcast.shape([0, 1], [1, 3]) == [0, 3])
        #expect(throws: KernelError.notBroadcastable(shapes: [[2, 3], [4, 3]])) { try Broadcast.shape([2, 3], [4, 3]) }
        #expect(throws: KernelError.self) { try Broadcast.shape(of: [[3], [1], [2]]) }
    }

    @Test func sameShapeScalarAndTrailingVector() throws {
        #expect(try add([1, 2, 3], [3], [10, 20, 30], [3]) == [11, 22, 33])
        #expect(try add([1, 2, 3, 4], [2, 2], [100], []) == [101, 102, 103, 104])
        #expect(try add([5], [1], [1, 2, 3, 4], [2, 2]) == [6, 7, 8, 9])
        // [2, 3] + [3]
        #expect(try add([0, 0, 0, 1, 1, 1], [2, 3], [1, 2, 3], [3]) == [1, 2, 3, 2, 3, 4])
    }

    @Test func generalStridesAgainstNumpy() throws {
        // numpy: np.arange(6).reshape(2,1,3) + 10*np.arange(4).reshape(4,1) ->
        let a: [Int32] = [0, 1, 2, 3, 4, 5], b: [Int32] = [0, 10, 20, 30]
        let y = try add(a, [2, 1, 3], b, [4, 1])
        #expect(y == [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32, 3, 4, 5, 13, 14, 15, 23, 24, 25, 33, 34, 35])
        // Column vector against row vector: [3,1] - [1,2] with a different result type (Bool).
        let col: [Double] = [1, 2, 3], row: [Double] = [2, 1]
        let gt: [Bool] = try col.withUnsafeBufferPointer { pc in try row.withUnsafeBufferPointer { pr in
            var out = [Bool](repeating: false, count: 6)
            try out.withUnsafeMutableBufferPointer { try Broadcast.binary(pc, [3, 1], pr, [1, 2], into: $0) { $0 > $1 } }
            return out
        } }
        #expect(gt == [false, false, false, true, true, true])
    }

    @Test func ternaryWhere() throws {
        let cond: [Bool] = [true, false], x: [Float] = [1, 2, 3, 4], y: [Float] = [-1]
        let out: [Float] = try cond.withUnsafeBufferPointer { pc in try x.withUnsafeBufferPointer { px in
            try y.withUnsafeBufferPointer { py in
                try output(4) { try Broadcast.ternary(pc, [2], px, [2, 2], py, [], into: $0) { $0 ? $1 : $2 } }
            }
        } }
        #expect(out == [1, -1, 3, -1])
    }

    @Test func expandAndBufferErrors() throws {
        let x: [UInt8] = [1, 2]
        let y: [UInt8] = try x.withUnsafeBufferPointer { px in try output(6) { try Broadcast.expand(px, [2, 1], to: [2, 3], into: $0) } }
        #expect(y == [1, 1, 1, 2, 2, 2])
        #expect(throws: KernelError.bufferSize(kernel: "Broadcast.binary", buffer: "out", expected: 4, actual: 2)) {
            try x.withUnsafeBufferPointer { px in
                var o = [UInt8](repeating: 0, count: 2)
                try o.withUnsafeMutableBufferPointer { try Broadcast.binary(px, [2], px, [2, 1], into: $0, &+) }
            }
        }
    }

    @Test func float16AndLargeParallelBinary() throws {
        let a: [Float16] = [1.5, 2.5], b: [Float16] = [0.25]
        #expect(try add(a, [2], b, [1]) == [1.75, 2.75])
        // Large enough to be split into several chunks when threads are enabled (see ThreadingTests).
        let n = 300_000
        let big = (0..<n).map { Float($0 % 1000) }
        let y = try add(big, [n / 3, 3], [1, 2, 3], [3])
        #expect(y[0] == 1 && y[n - 1] == Float((n - 1) % 1000) + 3)
    }

    /// Naive broadcast by the definition: output index -> per-input index with size-1 axes pinned to 0.
    func naive(_ a: [Int], _ aShape: [Int], _ b: [Int], _ bShape: [Int], _ outShape: [Int]) -> [Int] {
        let n = outShape.reduce(1, *), rank = outShape.count
        func index(_ linear: Int, _ shape: [Int]) -> Int {
            var r = linear, idx = 0, step = 1
            var coords = [Int](repeating: 0, count: rank)
            for i in stride(from: rank - 1, through: 0, by: -1) { coords[i] = r % outShape[i]; r /= outShape[i] }
            for i in stride(from: shape.count - 1, through: 0, by: -1) {
                let c = shape[i] == 1 ? 0 : coords[rank - shape.count + i]
                idx += c * step
                step *= shape[i]
            }
            return idx
        }
        return (0..<n).map { a[index($0, aShape)] * 1000 + b[index($0, bShape)] }
    }

    @Test func randomShapesMatchTheDefinition() throws {
        var seed: UInt64 = 12345
        func next(_ n: Int) -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) % n }
        for _ in 0..<200 {
            let rank = next(5)
            let out = (0..<rank).map { _ in [1, 2, 3, 4][next(4)] }
            func operand() -> [Int] {
                let r = next(rank + 1)
                return out.suffix(r).map { next(3) == 0 ? 1 : $0 }
            }
            let aShape = operand(), bShape = operand()
            let full = try Broadcast.shape(aShape, bShape)
            let a = Array(0..<aShape.reduce(1, *)), b = Array(0..<bShape.reduce(1, *))
            let y = try add(a.map { $0 * 1000 }, aShape, b, bShape)
            #expect(y == naive(a, aShape, b, bShape, full), "\(aShape) + \(bShape)")
        }
    }
}
