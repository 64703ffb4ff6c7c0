import Foundation

/// Reads the Linux powercap RAPL energy counters of the CPU packages.
///
/// Zones are the top-level `intel-rapl:N` folders under `/sys/class/powercap` (AMD processors
/// expose theirs under the same name); sub-zones (`intel-rapl:N:M`: cores, uncore, DRAM) are
/// parts of a package and are not added again. Each zone's `energy_uj` is a microjoule counter
/// that wraps to 0 after `max_energy_range_uj`. Source: Linux kernel documentation,
/// "Power Capping Framework" (Documentation/power/powercap/powercap.rst).
///
/// The counters measure the whole package: other processes running at the same time are
/// included. Since Linux 5.10 `energy_uj` is readable by root only (CVE-2020-8694), and virtual
/// machines usually expose no powercap zones at all; `open` then says why, and nothing is guessed.
public struct RAPLEnergyMeter: Sendable {
    /// One package zone.
    public struct Zone: Sendable, Equatable {
        /// Folder of the zone.
        public var path: String
        /// Contents of its `name` file (`package-0`), or the folder name.
        public var name: String
        /// `max_energy_range_uj`: the counter wraps to 0 after this value.
        public var maxEnergyRange: UInt64
    }

    public let zones: [Zone]

    /// Finds the package zones under `root` and checks that each counter can be read.
    /// - Returns: the meter, or the reason energy cannot be measured.
    public static func open(root: String = "/sys/class/powercap") -> Result<RAPLEnergyMeter, EnergyUnavailable> {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            return .failure(EnergyUnavailable(reason: "\(root) does not exist: this kernel exposes no powercap (RAPL) counters (virtual machines usually hide them)"))
        }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
        let packages = entries.filter { name in
            guard name.hasPrefix("intel-rapl:") else { return false }
            let index = name.dropFirst("intel-rapl:".count)
            return !index.isEmpty && index.allSatisfy(\.isNumber)
        }
        guard !packages.isEmpty else {
            return .failure(EnergyUnavailable(reason: "\(root) holds no RAPL package zone (intel-rapl:N): the CPU or the virtual machine exposes no energy counters"))
        }
        var zones: [Zone] = []
        for p in packages {
            let folder = root + "/" + p
            let name = (try? String(contentsOfFile: folder + "/name", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? p
            guard let range = readCounter(folder + "/max_energy_range_uj") else {
                return .failure(EnergyUnavailable(reason: "cannot read \(folder)/max_energy_range_uj"))
            }
            guard readCounter(folder + "/energy_uj") != nil else {
                let reason = FileManager.default.isReadableFile(atPath: folder + "/energy_uj")
                    ? "\(folder)/energy_uj does not hold a counter"
                    : "\(folder)/energy_uj is not readable by this user (root only since Linux 5.10, CVE-2020-8694)"
                return .failure(EnergyUnavailable(reason: reason))
            }
            zones.append(Zone(path: folder, name: name, maxEnergyRange: range))
        }
        return .success(RAPLEnergyMeter(zones: zones))
    }

    /// Current counters (µJ), one per zone.
    /// - Throws: `EnergyUnavailable` when a counter stopped being readable.
    public func read() throws -> [UInt64] {
        try zones.map { z in
            guard let v = Self.readCounter(z.path + "/energy_uj") else { throw EnergyUnavailable(reason: "cannot read \(z.path)/energy_uj") }
            return v
        }
    }

    /// Joules spent between two readings of `read()`, summed over zones, each counter's
    /// wraparound undone with `delta(before:after:maxRange:)`.
    public func joules(from before: [UInt64], to after: [UInt64]) -> Double {
        var total = 0.0
        for (i, z) in zones.enumerated() where i < before.count && i < after.count {
            total += Double(Self.delta(before: before[i], after: after[i], maxRange: z.maxEnergyRange))
        }
        return total / 1_000_000
    }

    /// Counter increase from `before` to `after`, assuming at most one wrap: when `after` <
    /// `before` the counter passed `maxRange` and restarted at 0, so the increase is
    /// `maxRange − before + after`.
    public static func delta(before: UInt64, after: UInt64, maxRange: UInt64) -> UInt64 {
        if after >= before { return after - before }
        return (maxRange >= before ? maxRange - before : 0) &+ after
    }

    static func readCounter(_ path: String) -> UInt64? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
