/// Why energy cannot be measured.
public struct EnergyUnavailable: Error, Sendable, Equatable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}
