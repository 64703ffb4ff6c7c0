import Foundation
import ZIPFoundation

/// Finds where a ZIPFoundation `Entry`'s local file header starts.
///
/// ZIPFoundation 0.9.20 keeps the central-directory record of an entry internal; its offset
/// field is read here by reflection (and, for ZIP64 archives, from the record's ZIP64 extra
/// field). Returns `nil` if the layout is not as expected; callers then refuse the member.
enum ZIPLocator {
    static func localHeaderOffset(of entry: Entry) -> UInt64? {
        guard let record = Mirror(reflecting: entry).descendant("centralDirectoryStructure") else { return nil }
        let mirror = Mirror(reflecting: record)
        guard let offset = mirror.descendant("relativeOffsetOfLocalHeader") as? UInt32 else { return nil }
        if offset != .max { return UInt64(offset) }
        guard let extra = mirror.descendant("extraFieldData") as? Data,
              let uncompressed = mirror.descendant("uncompressedSize") as? UInt32,
              let compressed = mirror.descendant("compressedSize") as? UInt32 else { return nil }
        return zip64Offset(in: [UInt8](extra), skipping: (uncompressed == .max ? 1 : 0) + (compressed == .max ? 1 : 0))
    }

    /// The local-header offset in a ZIP64 extended-information extra field (header ID 0x0001),
    /// after `skipping` 8-byte size fields.
    static func zip64Offset(in extra: [UInt8], skipping: Int) -> UInt64? {
        func le(_ at: Int, _ count: Int) -> UInt64 {
            (0..<count).reversed().reduce(0) { $0 << 8 | UInt64(extra[at + $1]) }
        }
        var position = 0
        while position + 4 <= extra.count {
            let id = le(position, 2), size = Int(le(position + 2, 2))
            let body = position + 4
            guard body + size <= extra.count else { return nil }
            if id == 1 {
                let field = body + skipping * 8
                guard field + 8 <= body + size else { return nil }
                return le(field, 8)
            }
            position = body + size
        }
        return nil
    }
}
