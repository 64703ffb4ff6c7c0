import Testing
@testable import AbridgeKernels

/// Deterministic test input, identical to `pat(shape, seed)` in the Python generators quoted by the tests:
/// `(((i * 37 + seed) % mod) - mod / 2) / 4` as float32 (exactly representable).
func pattern(_ count: Int, seed: Int = 0, mod: Int = 11) -> [Float] {
    (0..<count).map { Float(((($0 * 37 + seed) % mod) - mod / 2)) / 4 }
}

/// Elementwise closeness with an absolute + relative tolerance; reports the first mismatch.
func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "count \(actual.count) != \(expected.count)", sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    for i in 0..<actual.count {
        let a = actual[i], e = expected[i]
        if a.isNaN && e.isNaN { continue }
        if a == e { continue }
        let ok = abs(a - e) <= tolerance * max(1, abs(e))
        if !ok {
            Issue.record("index \(i): \(a) != \(e) (tolerance \(tolerance))", sourceLocation: sourceLocation)
            return
        }
    }
}

func expectClose(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-12,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    for i in 0..<actual.count where !(abs(actual[i] - expected[i]) <= tolerance * max(1, abs(expected[i]))) {
        Issue.record("index \(i): \(actual[i]) != \(expected[i])", sourceLocation: sourceLocation)
        return
    }
}

/// Runs a kernel that writes `count` floats.
func output<T: Numeric>(_ count: Int, _ body: (UnsafeMutableBufferPointer<T>) throws -> Void) rethrows -> [T] {
    var out = [T](repeating: 0, count: count)
    try out.withUnsafeMutableBufferPointer { try body($0) }
    return out
}
