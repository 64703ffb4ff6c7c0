/// Whether energy was measured, from which counters, or why not.
public struct EnergyReport: Codable, Sendable, Equatable {
    public var available: Bool
    /// Counters read (`Linux powercap RAPL: package-0`), when available.
    public var source: String?
    /// Why energy is not available, when it is not.
    public var reason: String?
    /// What the figures include.
    public var note: String?

    public static func unavailable(_ reason: String) -> EnergyReport {
        EnergyReport(available: false, source: nil, reason: reason, note: nil)
    }

    public static func measured(zones: [String]) -> EnergyReport {
        EnergyReport(available: true, source: "Linux powercap RAPL: " + zones.joined(separator: ", "), reason: nil,
                     note: "package counters: they include everything the CPU package did during the runs, not only this process")
    }
}
