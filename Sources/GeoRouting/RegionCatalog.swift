import Foundation

/// The regions of the mesh, loaded from `regions/*.yaml` (see `RegionFileParser`
/// for the format). Sorted by id; ids are unique.
public struct RegionCatalog: Sendable, Equatable {
    /// All regions, sorted by id.
    public let regions: [Region]
    private let byID: [RegionID: Region]

    /// A catalog of the given regions.
    /// - Throws: `GeoRoutingError.duplicateRegion` when two share an id.
    public init(regions: [Region]) throws(GeoRoutingError) {
        var byID: [RegionID: Region] = [:]
        for region in regions {
            guard byID.updateValue(region, forKey: region.id) == nil else {
                throw .duplicateRegion(id: region.id.rawValue, paths: [])
            }
        }
        self.regions = regions.sorted { $0.id < $1.id }
        self.byID = byID
    }

    /// The region with `id`, if any.
    public subscript(id: RegionID) -> Region? { byID[id] }

    /// All region ids, sorted.
    public var ids: [RegionID] { regions.map(\.id) }

    /// Loads every `*.yaml` (and `*.yml`) file of `directory`; other files are ignored.
    /// - Throws: `GeoRoutingError.regionDirectoryUnreadable`, `.noRegions`,
    ///   `.regionFile(path:line:problem:)` for the first invalid file (in name
    ///   order), `.duplicateRegion` when `x.yaml` and `x.yml` both exist.
    public static func load(directory: String) throws(GeoRoutingError) -> RegionCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            let reason = FileManager.default.fileExists(atPath: directory) ? "cannot list it" : "does not exist"
            throw .regionDirectoryUnreadable(path: directory, reason: reason)
        }
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard !files.isEmpty else { throw .noRegions(directory: directory) }

        var regions: [Region] = []
        var pathByID: [RegionID: String] = [:]
        for file in files {
            let path = directory.hasSuffix("/") ? directory + file : directory + "/" + file
            let region = try loadFile(path: path)
            if let first = pathByID[region.id] {
                throw .duplicateRegion(id: region.id.rawValue, paths: [first, path])
            }
            pathByID[region.id] = path
            regions.append(region)
        }
        return try RegionCatalog(regions: regions)
    }

    /// Reads and parses one region file; its id must equal the file name without extension.
    public static func loadFile(path: String) throws(GeoRoutingError) -> Region {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .regionFile(path: path, line: nil, problem: .malformedLine("cannot read file"))
        }
        guard data.count <= RegionFileParser.maximumFileSize else {
            throw .regionFile(path: path, line: nil,
                              problem: .fileTooLarge(bytes: data.count, limit: RegionFileParser.maximumFileSize))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .regionFile(path: path, line: nil, problem: .notUTF8)
        }
        return try parse(text, path: path)
    }

    /// Parses the contents of a region file named by `path` (only its file name is used,
    /// to check the id and to label errors).
    public static func parse(_ text: String, path: String) throws(GeoRoutingError) -> Region {
        guard text.utf8.count <= RegionFileParser.maximumFileSize else {
            throw .regionFile(path: path, line: nil,
                              problem: .fileTooLarge(bytes: text.utf8.count, limit: RegionFileParser.maximumFileSize))
        }
        let fileName = RegionFileParser.fileName(of: path)
        let stem =
            if fileName.hasSuffix(".yaml") { String(fileName.dropLast(5)) }
            else if fileName.hasSuffix(".yml") { String(fileName.dropLast(4)) }
            else { fileName }
        var parser = RegionFileParser(path: path, expectedID: stem)
        return try parser.parse(text)
    }
}
