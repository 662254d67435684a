import Foundation
import Hummingbird

/// Serves the web client (PROTOCOL.md, `GET /`): `index.html` at `/` and the other files of the
/// bundled `Resources/web` folder at `/web/<file>`. Only flat file names made of
/// `[A-Za-z0-9._-]` that do not start with a dot are served, so no path can leave the folder.
enum WebAssets {
    /// The folder holding the bundled client files, if the resource bundle is present.
    static let directory: URL? = Bundle.module.url(forResource: "web", withExtension: nil)

    /// Adds `GET /`, `GET /index.html` and `GET /web/{file}` to `router`.
    static func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in serve("index.html") }
        router.get("/index.html") { _, _ in serve("index.html") }
        router.get("/web/{file}") { _, context in
            serve(context.parameters.get("file") ?? "")
        }
    }

    /// Whether `name` is a plain file name inside the folder (no separators, no leading dot).
    static func isSafe(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 128, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
            default: false
            }
        }
    }

    /// The `Content-Type` for a file name, by extension.
    static func contentType(_ name: String) -> String {
        switch name.split(separator: ".").last.map({ $0.lowercased() }) ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }

    static func serve(_ name: String) -> Response {
        guard isSafe(name), let directory,
              let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
        else { return Response(status: .notFound) }
        return Response(status: .ok,
                        headers: [.contentType: contentType(name), .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
