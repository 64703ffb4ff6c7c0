/// Overflow-checked size arithmetic for values read from untrusted files.
public enum Checked {
    /// The product of `values`, or nil when it overflows `Int` or a value is negative.
    public static func product<S: Sequence>(_ values: S) -> Int? where S.Element: BinaryInteger {
        var result = 1
        for v in values {
            guard v >= 0, let x = Int(exactly: v) else { return nil }
            let (r, o) = result.multipliedReportingOverflow(by: x)
            if o { return nil }
            result = r
        }
        return result
    }

    /// `a * b`, or nil on overflow.
    public static func multiply(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? nil : r
    }

    /// `a + b`, or nil on overflow.
    public static func add(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? nil : r
    }
}
