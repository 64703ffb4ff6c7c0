import AbridgeIR

/// Input helpers of the sequence operators.
enum SequenceInputs {
    /// Input `index` as a sequence of tensors.
    /// - Throws: `RuntimeError.invalidInput` when missing or not a sequence.
    static func sequence(_ inputs: [RuntimeValue?], _ index: Int, _ op: String) throws -> [RuntimeTensor] {
        guard index < inputs.count, let v = inputs[index] else { throw RuntimeError.invalidInput(node: "", reason: "\(op): input \(index) is missing") }
        switch v {
        case .sequence(let s): return s
        case .optional(.sequence(let s)?): return s
        default: throw RuntimeError.invalidInput(node: "", reason: "\(op): input \(index) is not a sequence")
        }
    }

    /// A position input (scalar INT32/INT64) normalized against `count` (negative from the
    /// back); `allowEnd` accepts `count` itself (insertion at the end).
    static func position(_ t: RuntimeTensor?, count: Int, default d: Int, allowEnd: Bool, _ op: String) throws -> Int {
        guard let t else { return d }
        let v = try NumericDispatch.ints(t)
        guard v.count == 1 else { throw RuntimeError.invalidInput(node: "", reason: "\(op): position must be a scalar") }
        let p = v[0] < 0 ? v[0] + count : v[0]
        guard p >= 0 && (p < count || (allowEnd && p == count)) else {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): position \(v[0]) is out of range for a sequence of \(count)")
        }
        return p
    }
}
