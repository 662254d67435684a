"""A minimal Janus configuration (core, VideoRoom plugin, HTTP transport) in a
folder of its own, for the side-by-side load test. ICE-lite on one veth
address: Janus offers no loopback candidates, and the simulated peers
nominate as controlling agents, as they do towards EdgeMesh."""
import os
import pathlib

PLUGIN_DIR = "/usr/lib/x86_64-linux-gnu/janus/plugins"
TRANSPORT_DIR = "/usr/lib/x86_64-linux-gnu/janus/transports"


def write_config(folder: pathlib.Path, interface: str, address: str, http_port: int, rooms: range) -> pathlib.Path:
    """Writes janus.jcfg, janus.plugin.videoroom.jcfg and janus.transport.http.jcfg
    (and folders holding only the two plugins used); returns the janus.jcfg path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source, library in (("plugins", PLUGIN_DIR, "libjanus_videoroom.so"),
                                  ("transports", TRANSPORT_DIR, "libjanus_http.so")):
        (folder / name).mkdir(exist_ok=True)
        link = folder / name / library
        if not link.exists():
            os.symlink(f"{source}/{library}", link)
    for empty in ("events", "loggers"):
        (folder / empty).mkdir(exist_ok=True)
    (folder / "janus.jcfg").write_text(f"""general: {{
\tconfigs_folder = "{folder}"
\tplugins_folder = "{folder}/plugins"
\ttransports_folder = "{folder}/transports"
\tevents_folder = "{folder}/events"
\tloggers_folder = "{folder}/loggers"
\tdebug_level = 3
\tsession_timeout = 0
}}
media: {{
\trtp_port_range = "20000-40000"
}}
nat: {{
\tice_lite = true
\tice_enforce_list = "{interface}"
\tignore_mdns = true
}}
plugins: {{
}}
transports: {{
}}
events: {{
\tbroadcast = false
}}
""")
    (folder / "janus.transport.http.jcfg").write_text(f"""general: {{
\tjson = "compact"
\tbase_path = "/janus"
\thttp = true
\tport = {http_port}
\tip = "{address}"
\thttps = false
}}
admin: {{
\tadmin_http = false
\tadmin_https = false
}}
""")
    room_blocks = "".join(f"""room-{room}: {{
\tdescription = "load test {room}"
\tpublishers = 32
\tbitrate = 0
\tfir_freq = 10
\taudiocodec = "opus"
\tvideocodec = "vp8"
\tnotify_joining = false
}}
""" for room in rooms)
    (folder / "janus.plugin.videoroom.jcfg").write_text("general: {\n\tstring_ids = false\n}\n" + room_blocks)
    return folder / "janus.jcfg"
