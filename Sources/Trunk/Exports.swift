// The trunk's wire encodings (frames, credentials, identifiers) are part of this
// module's API: a client that imports `Trunk` sees them without importing
// `TrunkWire` itself.
@_exported import TrunkWire
