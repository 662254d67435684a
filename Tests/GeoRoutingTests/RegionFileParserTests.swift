import Testing

@testable import GeoRouting

@Suite("Region file parser")
struct RegionFileParserTests {
    @Test(arguments: [
        // The documented form.
        "id: eu-central          # [a-z0-9-]+, unique\nname: Frankfurt\nlocation: { lat: 50.11, lon: 8.68 }\n",
        // Leading comments, blank lines, CRLF, document marker, quoted name.
        "# Frankfurt\r\n---\r\n\r\nid: eu-central\r\nname: \"Frankfurt\" # quoted\r\nlocation: {lat: 50.11,lon: 8.68}\r\n",
        // Block-style location, keys in another order, single quotes, no final newline.
        "name: 'Frankfurt'\nlocation:\n  lat: 50.11   # north\n  lon: +8.68\nid: eu-central",
        // Flow mapping with lon first.
        "id: eu-central\nname: Frankfurt\nlocation: { lon: 8.68, lat: 50.11 }  # comment\n",
    ])
    func validFiles(text: String) throws {
        let region = try RegionCatalog.parse(text, path: "regions/eu-central.yaml")
        #expect(region.id == id("eu-central"))
        #expect(region.name == "Frankfurt")
        #expect(region.location.latitude == 50.11)
        #expect(region.location.longitude == 8.68)
    }

    @Test func namesKeepHashesAndQuotes() throws {
        let text = """
            id: x1
            name: "C# \\"Hub\\"" # comment
            location: { lat: -0.5, lon: -180 }
            """
        let region = try RegionCatalog.parse(text, path: "x1.yml")
        #expect(region.name == "C# \"Hub\"")
        #expect(region.location.longitude == -180)
        let plain = try RegionCatalog.parse("id: x1\nname: C#sharp O'Hare\nlocation: { lat: 0, lon: 0 }", path: "x1.yaml")
        #expect(plain.name == "C#sharp O'Hare")
        let single = try RegionCatalog.parse("id: x1\nname: 'it''s # here'\nlocation: { lat: 0, lon: 0 }", path: "x1.yaml")
        #expect(single.name == "it's # here")
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int?
        let problem: RegionFileProblem
        var testDescription: String { "\(problem)" }
    }

    static let base = "id: eu-central\nname: Frankfurt\n"

    static let badFiles: [Bad] = [
        Bad(text: base + "location: { lat: 50.11, lon: 8.68 }\nregion: x\n", line: 4, problem: .unknownKey("region")),
        Bad(text: base + "location: { lat: 50.11, lon: 8.68, alt: 3 }\n", line: 3, problem: .unknownKey("location.alt")),
        Bad(text: base + "location:\n  lat: 1\n  lon: 2\n  alt: 3\n", line: 6, problem: .unknownKey("location.alt")),
        Bad(text: base + "id: eu-central\nlocation: { lat: 1, lon: 2 }\n", line: 3, problem: .duplicateKey("id")),
        Bad(text: base + "location: { lat: 1, lat: 2 }\n", line: 3, problem: .duplicateKey("location.lat")),
        Bad(text: base + "location: { lat: 1, lon: 2 }\nlocation: { lat: 1, lon: 2 }\n", line: 4,
            problem: .duplicateKey("location")),
        Bad(text: "id: eu-west\nname: Frankfurt\nlocation: { lat: 1, lon: 2 }\n", line: 1,
            problem: .idDoesNotMatchFileName(id: "eu-west", fileName: "eu-central.yaml")),
        Bad(text: "id: EU-Central\nname: F\nlocation: { lat: 1, lon: 2 }\n", line: 1, problem: .invalidID("EU-Central")),
        Bad(text: base + "location: { lat: 91, lon: 8.68 }\n", line: 3, problem: .coordinateOutOfRange(key: "location.lat", value: 91)),
        Bad(text: base + "location: { lat: 50, lon: -180.5 }\n", line: 3,
            problem: .coordinateOutOfRange(key: "location.lon", value: -180.5)),
        Bad(text: base + "location: { lat: north, lon: 8 }\n", line: 3, problem: .invalidNumber(key: "location.lat", value: "north")),
        Bad(text: base + "location: { lat: 1e2, lon: 8 }\n", line: 3, problem: .invalidNumber(key: "location.lat", value: "1e2")),
        Bad(text: base + "location: { lat: nan, lon: 8 }\n", line: 3, problem: .invalidNumber(key: "location.lat", value: "nan")),
        Bad(text: base + "location: { lat: 5., lon: 8 }\n", line: 3, problem: .invalidNumber(key: "location.lat", value: "5.")),
        Bad(text: base + "location: { lat: , lon: 8 }\n", line: 3, problem: .invalidNumber(key: "location.lat", value: "")),
        Bad(text: base + "location: { lat: 1 }\n", line: 3, problem: .missingKey("location.lon")),
        Bad(text: "name: Frankfurt\nlocation: { lat: 1, lon: 2 }\n", line: nil, problem: .missingKey("id")),
        Bad(text: "id: eu-central\nlocation: { lat: 1, lon: 2 }\n", line: nil, problem: .missingKey("name")),
        Bad(text: base, line: nil, problem: .missingKey("location")),
        Bad(text: "id:\nname: F\nlocation: { lat: 1, lon: 2 }\n", line: 1, problem: .emptyValue("id")),
        Bad(text: "id: eu-central\nname: # nothing\nlocation: { lat: 1, lon: 2 }\n", line: 2, problem: .emptyValue("name")),
        Bad(text: base + "location:\nid2: x\n", line: 4, problem: .emptyValue("location")),
        Bad(text: base + "location: { lat: 1, lon: 2\n", line: 3, problem: .malformedLine("unterminated { … } in location")),
        Bad(text: base + "location: [50.11, 8.68]\n", line: 3, problem: .malformedLine("location must be { lat: …, lon: … }")),
        Bad(text: base + "  lat: 3\n", line: 3, problem: .malformedLine("unexpected indentation")),
        Bad(text: base + "location:\n\tlat: 1\n", line: 4, problem: .malformedLine("tabs are not allowed for indentation")),
        Bad(text: base + "location:\n  lat: 1\n    lon: 2\n", line: 5,
            problem: .malformedLine("inconsistent indentation in location")),
        Bad(text: "id eu-central\n", line: 1, problem: .malformedLine("expected \"key: value\"")),
        Bad(text: "id:eu-central\n", line: 1, problem: .malformedLine("expected a space after \"id:\"")),
        Bad(text: "id: eu-central\nname: \"Frankfurt\nlocation: { lat: 1, lon: 2 }\n", line: 2,
            problem: .malformedLine("unterminated quoted value of name")),
        Bad(text: "id: eu-central\nname: \"Frank\" furt\n", line: 2,
            problem: .malformedLine("unexpected text after the quoted value of name")),
        Bad(text: "id: eu-central\nname: &anchor F\n", line: 2,
            problem: .malformedLine("unsupported YAML construct in the value of name")),
        Bad(text: "- id: eu-central\n", line: 1, problem: .malformedLine("invalid key \"- id\"")),
    ]

    @Test(arguments: badFiles)
    func invalidFilesNameFileAndLine(bad: Bad) {
        let path = "regions/eu-central.yaml"
        #expect(throws: GeoRoutingError.regionFile(path: path, line: bad.line, problem: bad.problem)) {
            try RegionCatalog.parse(bad.text, path: path)
        }
    }

    @Test func errorDescriptionNamesFileAndLine() {
        let error = GeoRoutingError.regionFile(path: "regions/x.yaml", line: 4, problem: .unknownKey("region"))
        #expect(error.description == "regions/x.yaml:4: unknown key \"region\"")
    }

    @Test func oversizedInputIsRefused() {
        let text = "# " + String(repeating: "x", count: 70_000)
        #expect(throws: GeoRoutingError.regionFile(path: "a.yaml", line: nil, problem: .fileTooLarge(bytes: 70_002, limit: 65_536))) {
            try RegionCatalog.parse(text, path: "a.yaml")
        }
    }
}
