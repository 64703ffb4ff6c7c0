/// A metric that may be undefined: a finite number, or `nil` with the reason.
///
/// JSON form (schema `$defs/metric` in `schemas/compare-report.schema.json`):
/// `{"value": 0.97}` or `{"value": null, "reason": "outputs are identical (noise power 0)"}`.
/// A non-finite number never reaches the report: `init(_:ifNotFinite:)` turns NaN and
/// infinities into `nil` with the reason given.
public struct MetricValue: Codable, Sendable, Equatable {
    /// The value; nil when undefined or infinite.
    public let value: Double?
    /// Why `value` is nil (nil when defined).
    public let reason: String?

    /// A defined value; a non-finite `value` becomes undefined with `reason`.
    public init(_ value: Double, ifNotFinite reason: @autoclosure () -> String = "not a finite number") {
        if value.isFinite {
            self.value = value; self.reason = nil
        } else {
            self.value = nil; self.reason = reason()
        }
    }

    /// An undefined value with its reason.
    public static func undefined(_ reason: String) -> MetricValue { MetricValue(value: nil, reason: reason) }

    private init(value: Double?, reason: String?) { self.value = value; self.reason = reason }

    enum CodingKeys: String, CodingKey { case value, reason }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        value = try c.decodeIfPresent(Double.self, forKey: .value)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }

    /// Writes `value` always (as `null` when undefined) and `reason` when present.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let value { try c.encode(value, forKey: .value) } else { try c.encodeNil(forKey: .value) }
        try c.encodeIfPresent(reason, forKey: .reason)
    }

    /// `b - a` when both are defined, else undefined naming the missing side.
    public static func difference(_ a: MetricValue, _ b: MetricValue) -> MetricValue {
        guard let x = a.value, let y = b.value else {
            return .undefined("undefined for \(a.value == nil ? "the original" : "the converted") model")
        }
        return MetricValue(y - x)
    }
}
