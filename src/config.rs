//! Everything the box can be told at start-up, parsed once.
//!
//! Each flag has an environment twin (`DT_*`), so a systemd unit or a
//! container can configure the box without a command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::limits::{
    HEADER_READ_TIMEOUT, LIVE_SEND_STALL, MAX_CONNECTIONS_PER_ADDRESS, REQUEST_TIMEOUT, ROOM_IDLE,
};

/// Democratic Tunes: a democratic jukebox for house parties.
///
/// Guests join from their phones, add songs and vote; the crowd decides what
/// plays next.
#[derive(Debug, Clone, Parser)]
#[command(name = "democratic-tunes", version, about, long_about = None)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "DT_BIND", default_value = "0.0.0.0:8000")]
    pub bind: SocketAddr,

    /// SQLite database file (created if missing).
    #[arg(long, env = "DT_DB", default_value = "democratic-tunes.db")]
    pub db: PathBuf,

    /// How often live connections are pinged; one silent for 2.5 times this
    /// is closed (so a dead phone is reaped within 25 s by default).
    #[arg(skip = std::time::Duration::from_secs(10))]
    pub ping_every: std::time::Duration,

    /// See `limits::HEADER_READ_TIMEOUT` (a field so tests can shorten it).
    #[arg(skip = HEADER_READ_TIMEOUT)]
    pub header_read_timeout: std::time::Duration,

    /// See `limits::REQUEST_TIMEOUT` (a field so tests can shorten it).
    #[arg(skip = REQUEST_TIMEOUT)]
    pub request_timeout: std::time::Duration,

    /// See `limits::LIVE_SEND_STALL` (a field so tests can shorten it).
    #[arg(skip = LIVE_SEND_STALL)]
    pub live_send_stall: std::time::Duration,

    /// See `limits::MAX_CONNECTIONS_PER_ADDRESS` (a field so tests can lower it).
    #[arg(skip = MAX_CONNECTIONS_PER_ADDRESS)]
    pub max_connections_per_address: usize,

    /// See `limits::ROOM_IDLE` (seconds; hidden: for the growth benchmark).
    #[arg(long, env = "DT_ROOM_IDLE_SECS", hide = true, default_value_t = ROOM_IDLE.as_secs())]
    pub room_idle_secs: u64,

    /// Open connections in all; `None`: the open-file limit (raised to its
    /// hard limit at start) less headroom. A field so tests can lower it.
    #[arg(skip)]
    pub max_connections: Option<usize>,

    /// The box's name, as the LAN lists it (mDNS service name).
    #[arg(long, env = "DT_NAME", default_value = "Democratic Tunes")]
    pub name: String,

    /// The box's hostname on the LAN, without `.local` (mDNS).
    #[arg(long, env = "DT_HOSTNAME", default_value = "party", value_parser = parse_hostname)]
    pub hostname: String,

    /// Do not advertise the box on the LAN with mDNS.
    #[arg(long, env = "DT_NO_MDNS", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_mdns: bool,

    /// New rooms' wait (seconds) before a newly joined guest's votes and
    /// skip asks count. Off by default (the seed's semantics): one device,
    /// one voice already stops accounts made on the spot. Each room's host
    /// can change it in the room's settings.
    #[arg(long, env = "DT_NEW_GUEST_VOTE_DELAY", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=600))]
    pub new_guest_vote_delay: u32,

    /// New rooms' most voices per network address (an IPv4 address or an
    /// IPv6 /64): thirty private tabs on one phone are not thirty guests.
    /// The host can let a crowded network count in full, or change it.
    #[arg(long, env = "DT_VOTERS_PER_NETWORK", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub voters_per_network: u32,

    /// Serve HTTPS with this certificate chain (PEM), for a port-forwarded
    /// box; needs --tls-key. Cookies are then marked Secure.
    #[arg(long, env = "DT_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The certificate's private key (PEM).
    #[arg(long, env = "DT_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Believe `X-Forwarded-For` from these proxies (addresses or CIDRs,
    /// comma-separated; bare `--trust-proxy` means this machine, for Caddy,
    /// cloudflared or ngrok running beside the box). From anyone else the
    /// header is ignored: otherwise any client could claim any address.
    #[arg(long, env = "DT_TRUST_PROXY", num_args = 0..=1, default_missing_value = "loopback",
          default_value = "", hide_default_value = true, value_parser = parse_trusted_proxies)]
    pub trust_proxy: TrustedProxies,

    /// Also answer to this host name (a tunnel's or a domain's, e.g.
    /// `party.example.com`). The box refuses requests naming any other host
    /// than its addresses, `localhost` and its `.local` name, so a web page
    /// elsewhere cannot reach it by rebinding DNS. Repeatable.
    #[arg(long = "public-host", env = "DT_PUBLIC_HOST", value_delimiter = ',', value_parser = parse_public_host)]
    pub public_hosts: Vec<String>,

    /// Let a web app served from this origin call the API with the guest's
    /// cookie (CORS), e.g. `https://party.example.com`. Repeatable; off by
    /// default.
    #[arg(long = "cors-origin", env = "DT_CORS_ORIGIN", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// A folder of the host's music to play (mp3, flac, ogg/opus, m4a/aac,
    /// wav), scanned recursively and watched for changes. Repeatable.
    #[arg(long = "music", env = "DT_MUSIC", value_delimiter = ',')]
    pub music: Vec<PathBuf>,

    /// Search only the music folders, not the built-in catalog.
    #[arg(long, env = "DT_NO_BUILTIN_CATALOG", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_builtin_catalog: bool,

    /// Play the party on the box's own sound device (ALSA), for a headless
    /// Pi on a speaker: no page needs to stay open.
    #[arg(long, env = "DT_SPEAKER", value_parser = clap::builder::BoolishValueParser::new())]
    pub speaker: bool,

    /// The sound device for --speaker, by ALSA name (`aplay -L` lists them,
    /// e.g. `hw:CARD=Headphones,DEV=0`); default: the system's default.
    #[arg(long, env = "DT_SPEAKER_DEVICE", requires = "speaker")]
    pub speaker_device: Option<String>,

    /// Also play the party to a Snapcast server, so every Snapcast room
    /// hears it in sync: a named pipe its `pipe://` source reads (e.g.
    /// `/tmp/snapfifo`), or `tcp://HOST:PORT` for a `tcp://` source in
    /// server mode. The box writes 48000:16:2 PCM (snapserver's default).
    #[arg(long, env = "DT_SNAPCAST", value_parser = parse_snapcast)]
    pub snapcast: Option<SnapcastTarget>,

    /// Play through an MPD or Mopidy server (`HOST:PORT`, e.g.
    /// `localhost:6600`): guests search its songs beside the box's own
    /// (with Mopidy: Spotify, YouTube, Tidal...), and it plays them. The
    /// party's queue and order stay on the box.
    #[arg(long, env = "DT_MPD", value_parser = parse_mpd_address)]
    pub mpd: Option<String>,

    /// The MPD server's password, if it has one.
    #[arg(
        long,
        env = "DT_MPD_PASSWORD",
        requires = "mpd",
        hide_env_values = true
    )]
    pub mpd_password: Option<String>,

    /// Turn the rate limits off: for benchmarks on loopback only, never
    /// for a party.
    #[arg(long, env = "DT_NO_RATE_LIMITS", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_rate_limits: bool,

    /// Write the address the box listens on (`127.0.0.1:41234`) to this
    /// file once it accepts connections, and remove it when it stops: how
    /// tests, benchmarks and scripts find a box started on port 0.
    #[arg(long, env = "DT_PORT_FILE")]
    pub port_file: Option<PathBuf>,
}

/// The proxies whose `X-Forwarded-For` the box believes (empty: none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

impl TrustedProxies {
    pub fn trusts(&self, ip: std::net::IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// This machine only (loopback).
    pub fn loopback() -> Self {
        TrustedProxies(vec![
            "127.0.0.0/8".parse().expect("a CIDR"),
            "::1/128".parse().expect("a CIDR"),
        ])
    }
}

/// `loopback` (or a yes-word, as the old on/off flag took), nothing (or a
/// no-word), or addresses and CIDRs separated by commas.
fn parse_trusted_proxies(text: &str) -> Result<TrustedProxies, String> {
    let text = text.trim();
    match text.to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "off" => return Ok(TrustedProxies::default()),
        "loopback" | "1" | "true" | "yes" | "on" => return Ok(TrustedProxies::loopback()),
        _ => {}
    }
    text.split(',')
        .map(|part| {
            let part = part.trim();
            part.parse::<ipnet::IpNet>()
                .or_else(|_| part.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    format!("`{part}` is not an address or a CIDR (like 10.0.0.2 or 10.0.0.0/24)")
                })
        })
        .collect::<Result<_, _>>()
        .map(TrustedProxies)
}

/// Where the box writes the party's sound for Snapcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapcastTarget {
    /// A named pipe a `pipe://` source reads.
    Pipe(PathBuf),
    /// `HOST:PORT` of a `tcp://` source in server mode.
    Tcp(String),
}

impl std::fmt::Display for SnapcastTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SnapcastTarget::Pipe(path) => write!(f, "{}", path.display()),
            SnapcastTarget::Tcp(address) => write!(f, "tcp://{address}"),
        }
    }
}

fn parse_snapcast(text: &str) -> Result<SnapcastTarget, String> {
    let text = text.trim();
    match text.strip_prefix("tcp://") {
        Some(address) => parse_mpd_address(address)
            .map(SnapcastTarget::Tcp)
            .map_err(|_| "use tcp://HOST:PORT, like tcp://localhost:4953".to_string()),
        None if text.is_empty() => Err("name the Snapcast pipe, or tcp://HOST:PORT".into()),
        None => Ok(SnapcastTarget::Pipe(PathBuf::from(text))),
    }
}

/// `HOST:PORT` (a name, an IPv4 address, or `[IPv6]`).
fn parse_mpd_address(text: &str) -> Result<String, String> {
    let text = text.trim();
    let valid = text
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0));
    if valid {
        Ok(text.to_string())
    } else {
        Err("use HOST:PORT, like localhost:6600 or 192.168.1.20:6600".into())
    }
}

/// A host name as the Host header carries it, lower case, without a port.
fn parse_public_host(text: &str) -> Result<String, String> {
    let host = text.trim().trim_end_matches('.').to_ascii_lowercase();
    let valid = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if valid {
        Ok(host)
    } else {
        Err("use a host name like party.example.com (no scheme, no port)".into())
    }
}

/// A DNS label: letters, digits and inner hyphens, at most 63.
fn parse_hostname(text: &str) -> Result<String, String> {
    let label = text.trim().trim_end_matches(".local").to_ascii_lowercase();
    let valid = (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-');
    if valid {
        Ok(label)
    } else {
        Err("use letters, digits and hyphens (at most 63), like `party`".into())
    }
}

impl Config {
    /// The names the box asks for on the LAN (a clash may rename them).
    pub fn lan_names(&self) -> crate::mdns::LanNames {
        crate::mdns::LanNames::new(&self.hostname, &self.name, !self.no_mdns)
    }

    /// A configuration for tests and tools: loopback on a free port, mDNS off.
    pub fn for_tests(db: PathBuf) -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            db,
            no_mdns: true,
            name: "Democratic Tunes".into(),
            hostname: "party".into(),
            ping_every: std::time::Duration::from_secs(10),
            header_read_timeout: HEADER_READ_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            live_send_stall: LIVE_SEND_STALL,
            max_connections_per_address: MAX_CONNECTIONS_PER_ADDRESS,
            max_connections: None,
            room_idle_secs: ROOM_IDLE.as_secs(),
            new_guest_vote_delay: 0,
            voters_per_network: 2,
            tls_cert: None,
            tls_key: None,
            trust_proxy: TrustedProxies::default(),
            public_hosts: Vec::new(),
            cors_origins: Vec::new(),
            no_rate_limits: false,
            music: Vec::new(),
            no_builtin_catalog: false,
            speaker: false,
            speaker_device: None,
            mpd: None,
            mpd_password: None,
            snapcast: None,
            port_file: None,
        }
    }

    /// Whether the box serves HTTPS.
    pub fn tls(&self) -> bool {
        self.tls_cert.is_some()
    }

    /// The settings a new room starts with.
    pub fn room_defaults(&self) -> crate::domain::settings::Settings {
        crate::domain::settings::Settings {
            new_guest_vote_delay_seconds: self.new_guest_vote_delay,
            voters_per_network: self.voters_per_network,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_readme() {
        let c = Config::try_parse_from(["democratic-tunes"]).unwrap();
        assert_eq!(c.bind, "0.0.0.0:8000".parse().unwrap());
        assert_eq!(c.db, PathBuf::from("democratic-tunes.db"));
        assert!(!c.no_mdns);
        assert_eq!(c.name, "Democratic Tunes");
        assert_eq!(c.lan_names().mdns_host().as_deref(), Some("party.local"));
        // The seed's semantics: a vote counts at once; one device, one voice.
        assert_eq!(c.new_guest_vote_delay, 0);
        assert_eq!(c.voters_per_network, 2);
    }

    #[test]
    fn hostnames_are_dns_labels() {
        let parse = |h: &str| Config::try_parse_from(["democratic-tunes", "--hostname", h]);
        assert_eq!(parse("Jukebox").unwrap().hostname, "jukebox");
        assert_eq!(parse("tunes.local").unwrap().hostname, "tunes");
        for bad in ["", "-x", "x-", "a b", "pärty", &"a".repeat(64)] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn no_mdns_means_no_local_name() {
        let c = Config::try_parse_from(["democratic-tunes", "--no-mdns"]).unwrap();
        assert_eq!(c.lan_names().mdns_host(), None);
    }

    #[test]
    fn flags_override_defaults() {
        let c = Config::try_parse_from([
            "democratic-tunes",
            "--bind",
            "127.0.0.1:9000",
            "--db",
            "/tmp/x.db",
            "--no-mdns",
        ])
        .unwrap();
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.db, PathBuf::from("/tmp/x.db"));
        assert!(c.no_mdns);
    }

    #[test]
    fn trusted_proxies_are_this_machine_or_named_ranges() {
        let parse = |args: &[&str]| {
            let mut all = vec!["democratic-tunes"];
            all.extend_from_slice(args);
            Config::try_parse_from(all)
        };
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        assert!(parse(&[]).unwrap().trust_proxy.0.is_empty());
        let bare = parse(&["--trust-proxy"]).unwrap().trust_proxy;
        assert!(bare.trusts(ip("127.0.0.1")) && bare.trusts(ip("::1")));
        assert!(!bare.trusts(ip("192.168.1.9")));
        let named = parse(&["--trust-proxy", "10.0.0.2, 192.168.7.0/24"])
            .unwrap()
            .trust_proxy;
        assert!(named.trusts(ip("10.0.0.2")) && named.trusts(ip("192.168.7.200")));
        assert!(!named.trusts(ip("10.0.0.3")) && !named.trusts(ip("127.0.0.1")));
        assert!(parse(&["--trust-proxy", "everyone"]).is_err());
        let hosts = parse(&[
            "--public-host",
            "Party.Example.com",
            "--public-host",
            "x.trycloudflare.com",
        ])
        .unwrap()
        .public_hosts;
        assert_eq!(hosts, ["party.example.com", "x.trycloudflare.com"]);
        assert!(parse(&["--public-host", "https://party.example.com"]).is_err());
    }

    #[test]
    fn bad_bind_address_is_refused() {
        assert!(Config::try_parse_from(["democratic-tunes", "--bind", "nope"]).is_err());
    }
}
