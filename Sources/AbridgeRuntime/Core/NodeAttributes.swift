import AbridgeIR

/// Typed attribute access for kernel factories; errors name the node and attribute.
public struct NodeAttributes {
    public let node: Node

    func fail(_ name: String, _ reason: String) -> RuntimeError {
        .invalidAttribute(node: node.label, name: name, reason: reason)
    }

    /// True when the attribute is present.
    public func has(_ name: String) -> Bool { node.attribute(name) != nil }

    public func int(_ name: String) throws -> Int64? {
        guard let a = node.attribute(name) else { return nil }
        guard let v = a.int else { throw fail(name, "expected an integer") }
        return v
    }
    public func int(_ name: String, default d: Int64) throws -> Int64 { try int(name) ?? d }

    public func float(_ name: String) throws -> Float? {
        guard let a = node.attribute(name) else { return nil }
        guard let v = a.float else { throw fail(name, "expected a float") }
        return v
    }
    public func float(_ name: String, default d: Float) throws -> Float { try float(name) ?? d }

    public func ints(_ name: String) throws -> [Int64]? {
        guard let a = node.attribute(name) else { return nil }
        guard let v = a.ints else { throw fail(name, "expected a list of integers") }
        return v
    }

    public func floats(_ name: String) throws -> [Float]? {
        guard let a = node.attribute(name) else { return nil }
        guard let v = a.floats else { throw fail(name, "expected a list of floats") }
        return v
    }

    public func string(_ name: String) throws -> String? {
        guard let a = node.attribute(name) else { return nil }
        guard let v = a.string else { throw fail(name, "expected a UTF-8 string") }
        return v
    }
    public func string(_ name: String, default d: String) throws -> String { try string(name) ?? d }

    public func strings(_ name: String) throws -> [String]? {
        guard let a = node.attribute(name) else { return nil }
        guard case .strings(let v) = a.value else { throw fail(name, "expected a list of strings") }
        return try v.map { b in
            guard let s = String(validating: b, as: UTF8.self) else { throw fail(name, "not valid UTF-8") }
            return s
        }
    }

    public func tensor(_ name: String) throws -> Tensor? {
        guard let a = node.attribute(name) else { return nil }
        guard let v = a.tensor else { throw fail(name, "expected a tensor") }
        return v
    }

    public func graph(_ name: String) throws -> Graph {
        guard let a = node.attribute(name) else { throw fail(name, "required graph attribute is missing") }
        guard let g = a.graph else { throw fail(name, "expected a graph") }
        return g
    }
}
