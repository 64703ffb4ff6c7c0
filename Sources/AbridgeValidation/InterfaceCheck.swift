import AbridgeIR
import AbridgeRuntime

/// Checks that two models take the same inputs and give the same outputs: the same names, and
/// where both declare them the same element types and ranks. Floating-point types may differ
/// (a float16 model against its float32 original): feeds are converted to each model's type.
enum InterfaceCheck {
    /// - Throws: `ComparisonError.mismatchedModels` naming every difference.
    static func check(original a: InferenceSession, converted b: InferenceSession) throws {
        var problems: [String] = []
        compare("inputs", a.requiredInputs, b.requiredInputs, into: &problems)
        compare("outputs", a.outputs, b.outputs, into: &problems)
        if !problems.isEmpty { throw ComparisonError.mismatchedModels(problems.joined(separator: "; ")) }
    }

    static func compare(_ what: String, _ x: [Value], _ y: [Value], into problems: inout [String]) {
        let xs = Set(x.map(\.name)), ys = Set(y.map(\.name))
        let onlyX = x.map(\.name).filter { !ys.contains($0) }, onlyY = y.map(\.name).filter { !xs.contains($0) }
        if !onlyX.isEmpty { problems.append("\(what) only in the original: \(onlyX.joined(separator: ", "))") }
        if !onlyY.isEmpty { problems.append("\(what) only in the converted: \(onlyY.joined(separator: ", "))") }
        var byName: [String: Value] = [:]
        for v in y { byName[v.name] = v }
        for v in x {
            guard let w = byName[v.name] else { continue }
            let (tv, tw) = (v.type?.tensorElementType, w.type?.tensorElementType)
            let floating: Set<DataType> = [.float16, .float, .double]
            if let tv, let tw, tv != tw, !(floating.contains(tv) && floating.contains(tw)) {
                problems.append("\(what.dropLast()) '\(v.name)' is \(tv.shortName) in the original but \(tw.shortName) in the converted")
            }
            if let sv = v.type?.tensorShape, let sw = w.type?.tensorShape, sv.rank != sw.rank {
                problems.append("\(what.dropLast()) '\(v.name)' has shape \(sv) in the original but \(sw) in the converted")
            }
        }
    }
}
