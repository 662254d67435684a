import CSRTP

/// libsrtp's process-wide initialisation.
enum SRTPLibrary {
    /// `srtp_init()` runs once, on first use: Swift initialises global and
    /// static `let`s lazily and thread-safely (`swift_once`). libsrtp is never
    /// shut down; its state lives as long as the process.
    private static let initializationStatus: UInt32 = srtp_init().rawValue

    static func ensureInitialized() throws(SRTPError) {
        let status = initializationStatus
        guard status == srtp_err_status_ok.rawValue else {
            throw .libraryInitializationFailed(code: Int(status))
        }
    }

    /// Maps a libsrtp status to the module's error.
    static func error(for status: srtp_err_status_t, length: Int) -> SRTPError {
        switch status {
        case srtp_err_status_auth_fail: .authenticationFailed
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: .replayed
        case srtp_err_status_bad_param, srtp_err_status_parse_err:
            .malformed(reason: "rejected by libsrtp (status \(status.rawValue))", length: length)
        default: .other(code: Int(status.rawValue))
        }
    }
}
