import Coordination
import GeoRouting
import Hummingbird

/// The HTTP routes of PROTOCOL.md (everything but the WebSocket upgrade).
enum HTTPRoutes {
    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.serialized())))
    }

    static func error(_ status: HTTPResponse.Status, _ error: SignalError) -> Response {
        json(status, error.httpBody)
    }

    /// The token of a request: `access_token` query parameter, else `Authorization: Bearer`.
    static func token(target: String, authorization: String?) -> String? {
        if let token = QueryString(target: target)["access_token"], !token.isEmpty { return token }
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingSpaces
    }

    static func verify(_ request: Request, services: BackendServices) -> Result<TokenClaims, ControlPlaneError> {
        Result { () throws(ControlPlaneError) in
            try services.codec.verify(token(target: request.uri.description, authorization: request.headers[.authorization]) ?? "")
        }
    }

    static func router(services: BackendServices) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        WebAssets.register(on: router)
        router.get("/healthz") { _, _ in json(.ok, .object(["status": "ok"])) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: services.metrics.render())))
        }
        router.get("/v1/regions") { _, _ in
            json(.ok, regions(catalog: services.policy.catalog, nodes: await services.directory.snapshot(), policy: services.policy,
                              probeURLs: services.configuration.probeURLs))
        }
        router.get("/v1/rtc/validate") { request, _ in
            switch verify(request, services: services) {
            case .success: return json(.ok, .object(["ok": true]))
            case .failure(let error): return self.error(.unauthorized, SignalError(error.code, error.description))
            }
        }
        // Reached only when no upgrade happened (a plain GET, or a refused upgrade on a reused connection).
        router.get("/v1/rtc") { request, _ in
            switch verify(request, services: services) {
            case .success: return self.error(.upgradeRequired, SignalError(.badMessage, "this endpoint needs a WebSocket upgrade"))
            case .failure(let error): return self.error(.unauthorized, SignalError(error.code, error.description))
            }
        }
        router.post("/v1/dev/token") { request, _ in
            guard services.configuration.devMode else { return Response(status: .notFound) }
            let body = try await request.body.collect(upTo: 16384)
            return devToken(body: Array(body.readableBytesView), services: services)
        }
        return router
    }

    /// `POST /v1/dev/token {"room", "identity", "name"?}` → `{"token"}` (dev mode only).
    static func devToken(body: [UInt8], services: BackendServices) -> Response {
        guard let object = try? JSONValue.parse(body).objectValue else {
            return error(.badRequest, SignalError(.badMessage, "body must be a JSON object"))
        }
        guard let room = object["room"]?.stringValue, let identity = object["identity"]?.stringValue else {
            return error(.badRequest, SignalError(.badMessage, "room and identity are required strings"))
        }
        let now = Timestamp.now()
        let claims = TokenClaims(subject: identity, room: room, name: object["name"]?.stringValue,
                                 expiresAt: (now + services.configuration.devTokenTTL).rounded(), issuedAt: now.rounded())
        do {
            _ = try TokenClaims(payload: claims.payload)
        } catch {
            return self.error(.badRequest, SignalError(.badMessage, error.description))
        }
        return json(.ok, .object(["token": .string(services.codec.mint(claims))]))
    }

    /// `[{"id","name","location":{"lat","lon"},"nodes":[{"id","healthy","load"}],"probe"?}]`; `load` is
    /// participants; `probe` (only for regions in `probeURLs`) is where clients measure their RTT.
    static func regions(catalog: RegionCatalog, nodes: [SFUNode], policy: PlacementPolicy,
                        probeURLs: [String: String] = [:]) -> JSONValue {
        var ids = catalog.regions.map(\.id.rawValue)
        for node in nodes where !node.region.isEmpty && !ids.contains(node.region) { ids.append(node.region) }
        return .array(ids.map { id in
            let region = catalog.regions.first { $0.id.rawValue == id }
            var object: JSONObject = ["id": .string(id), "name": .string(region?.name ?? id)]
            if let location = region?.location {
                object["location"] = .object(["lat": .number(location.latitude), "lon": .number(location.longitude)])
            } else {
                object["location"] = .null
            }
            object["nodes"] = .array(nodes.filter { $0.region == id }.map { node in
                .object(["id": .string(node.id), "healthy": .bool(node.healthy && !node.draining),
                         "load": .number(Double(node.participants))])
            })
            if let probe = probeURLs[id] { object["probe"] = .string(probe) }
            return .object(object)
        })
    }
}
