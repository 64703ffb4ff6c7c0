import AbridgeIR

/// Attribute lookups with defaults for the training operators.
extension Node {
    // Plain loops rather than `attribute(name)?.int.map`: Swift 6.3.1's optimizer crashes
    // ("Found ownership error", CopyPropagation) on the optional-chained form inlined into a
    // throwing class initializer.
    @inline(never)
    func intAttribute(_ name: String, default value: Int) -> Int {
        for a in attributes where a.name == name { if case .int(let v) = a.value { return Int(v) } }
        return value
    }

    @inline(never)
    func intsAttribute(_ name: String) -> [Int]? {
        for a in attributes where a.name == name { if case .ints(let v) = a.value { return v.map { Int($0) } } }
        return nil
    }

    @inline(never)
    func floatAttribute(_ name: String, default value: Float) -> Float {
        for a in attributes where a.name == name { if case .float(let v) = a.value { return v } }
        return value
    }

    @inline(never)
    func stringAttribute(_ name: String, default value: String) -> String {
        for a in attributes where a.name == name {
            if case .string(let v) = a.value { return String(decoding: v, as: UTF8.self) }
        }
        return value
    }
}
