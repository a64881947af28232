//! Found by name, for real, on a LAN of network namespaces on a bridge that
//! each test makes (so mDNS never reaches a real network): the box is found
//! and reached by name, and name clashes end with one machine per name.
//! python-zeroconf (tests/support/mdns_peer.py) is the independent other
//! side. Needs root, iproute2, curl and python3-zeroconf; elsewhere it says
//! why it skips (and fails under CI). The browser of the first test is this
//! same test binary, run inside its namespace
//! (`browse_from_the_peer_namespace`, ignored otherwise).

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mdns_sd::{ServiceDaemon, ServiceEvent};

#[path = "support/netns.rs"]
mod netns;
#[path = "support/skip.rs"]
mod skip;

use netns::{Killed, Lan};

const BOX_NAME: &str = "Test Party Box";
const HOSTNAME: &str = "testparty";
const PORT: u16 = 8000;
/// Set (to the namespace's name) only when the orchestrator runs the
/// browser inside its own namespace.
const BROWSER_ENV: &str = "DT_MDNS_TEST_NETNS";

/// The box, advertising, in host `host` of `lan`; its log in `dir`.
fn start_box(lan: &Lan, host: usize, dir: &Path) -> Killed {
    let log = std::fs::File::create(dir.join(format!("box{host}.log"))).unwrap();
    let the_box = lan
        .exec(host, env!("CARGO_BIN_EXE_democratic-tunes"))
        .args(["--bind", &format!("0.0.0.0:{PORT}"), "--db"])
        .arg(dir.join(format!("box{host}.db")))
        .args(["--name", BOX_NAME, "--hostname", HOSTNAME])
        .env_remove("DT_NO_MDNS")
        // MDNS_TEST_LOG=info,mdns_sd=debug shows the mDNS conversation.
        .env(
            "RUST_LOG",
            std::env::var("MDNS_TEST_LOG").unwrap_or_else(|_| "info".into()),
        )
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    Killed(the_box)
}

/// A LAN of `hosts` namespaces, or `None` (and the reason recorded) where
/// this machine cannot make one.
fn lan_for(test: &str, tag: &str, hosts: usize) -> Option<Lan> {
    let has = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("/usr/bin/python3", &["-c", "import zeroconf"]) || !has("curl", &["--version"]) {
        skip::cannot_run(
            &format!("mdns::{test}"),
            "needs python3-zeroconf and curl (scripts/test-deps installs them)",
        );
        return None;
    }
    match Lan::create(tag, hosts) {
        Ok(lan) => Some(lan),
        Err(why) => {
            skip::cannot_run(
                &format!("mdns::{test}"),
                &format!("cannot create network namespaces here ({why}); needs root and iproute2"),
            );
            None
        }
    }
}

/// python-zeroconf (tests/support/mdns_peer.py) in host `host`.
fn peer(lan: &Lan, host: usize, args: &[&str]) -> Command {
    let mut command = lan.exec(host, "/usr/bin/python3");
    command
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/mdns_peer.py"
        ))
        .args(args);
    command
}

/// The addresses `name` resolves to, asked by python-zeroconf in `host`.
fn resolve(lan: &Lan, host: usize, name: &str) -> Vec<String> {
    let out = peer(lan, host, &["resolve", name, "3"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("ADDR ").map(str::to_string))
        .collect()
}

/// What python-zeroconf on host 1 hears in the first `seconds` of a box
/// starting on host 0 (which then stops), one record a line:
/// `<ms> <name> <type> <ttl> <data> from <sender>`.
fn heard_at_start(lan: &Lan, seconds: u32) -> String {
    let listener = peer(lan, 1, &["listen", &seconds.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let dir = tempfile::tempdir().unwrap();
    let _the_box = start_box(lan, 0, dir.path());
    let heard = listener.wait_with_output().unwrap();
    String::from_utf8_lossy(&heard.stdout).into_owned()
}

/// Waits (up to 20 s) until `name`, asked from `from`, leads to `address`.
fn until_resolved(lan: &Lan, from: usize, name: &str, address: &str) {
    let found = within(20, || {
        resolve(lan, from, name)
            .iter()
            .any(|a| a == address)
            .then_some(())
    });
    assert!(found.is_some(), "{name} never led to {address}");
}

/// The join link host `host`'s box gives (`GET /box`), asked from `from`.
fn join_url(lan: &Lan, from: usize, host: usize) -> Option<String> {
    let body = lan.get(from, &format!("http://{}:{PORT}/box", lan.address(host)));
    let value: serde_json::Value = serde_json::from_str(&body).ok()?;
    value["join_url"].as_str().map(str::to_string)
}

/// Polls `check` until it gives something or `seconds` pass.
fn within<T>(seconds: u64, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(found) = check() {
            return Some(found);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn by_name(host: &str) -> String {
    format!("http://{host}.local:{PORT}")
}

#[test]
fn a_second_box_with_the_same_name_sends_its_guests_to_itself() {
    let Some(lan) = lan_for(
        "a_second_box_with_the_same_name_sends_its_guests_to_itself",
        "s",
        3,
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let _first = start_box(&lan, 0, dir.path());
    let first = lan.address(0);
    until_resolved(&lan, 2, &format!("{HOSTNAME}.local."), &first);
    let _second = start_box(&lan, 1, dir.path());
    let renamed = by_name(&format!("{HOSTNAME}-2"));
    let got = within(20, || join_url(&lan, 2, 1).filter(|url| *url == renamed));
    assert_eq!(
        got.as_deref(),
        Some(renamed.as_str()),
        "the second box's join link (log: {}\n\nthe first box's log: {})",
        std::fs::read_to_string(dir.path().join("box1.log")).unwrap(),
        std::fs::read_to_string(dir.path().join("box0.log")).unwrap()
    );
    assert_eq!(join_url(&lan, 2, 0), Some(by_name(HOSTNAME)));
    // Each name leads to its own box, and only there.
    assert_eq!(
        resolve(&lan, 2, &format!("{HOSTNAME}-2.local.")),
        [lan.address(1)]
    );
    assert_eq!(resolve(&lan, 2, &format!("{HOSTNAME}.local.")), [first]);
    let log = std::fs::read_to_string(dir.path().join("box1.log")).unwrap();
    assert!(log.contains(&renamed), "{log}");
}

#[test]
fn boxes_that_meet_after_start_up_settle_on_two_names() {
    let Some(lan) = lan_for("boxes_that_meet_after_start_up_settle_on_two_names", "m", 3) else {
        return;
    };
    // Two boxes out of each other's reach (a Wi-Fi still off, a bridge
    // down): both take the name.
    lan.plug(0, false).unwrap();
    lan.plug(1, false).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let _boxes = [
        start_box(&lan, 0, dir.path()),
        start_box(&lan, 1, dir.path()),
    ];
    std::thread::sleep(Duration::from_secs(4));
    for host in [0, 1] {
        let answer = lan
            .exec(host, "curl")
            .args(["-s", &format!("http://{}:{PORT}/box", lan.address(host))])
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&answer.stdout).contains(&by_name(HOSTNAME)),
            "box {host} did not take the name on its own"
        );
    }
    // They meet: one keeps the name, the other moves, and the name leads
    // to one box only.
    lan.plug(0, true).unwrap();
    lan.plug(1, true).unwrap();
    // Nobody speaks until a phone looks the box up: both boxes answer, and
    // each hears the other claim its name (RFC 6762 §9).
    let first_look = resolve(&lan, 2, &format!("{HOSTNAME}.local."));
    assert!(!first_look.is_empty());
    let settled = within(30, || {
        let urls = [join_url(&lan, 2, 0)?, join_url(&lan, 2, 1)?];
        (urls[0] != urls[1]).then_some(urls)
    });
    let logs =
        || [0, 1].map(|h| std::fs::read_to_string(dir.path().join(format!("box{h}.log"))).unwrap());
    let urls = settled.unwrap_or_else(|| panic!("both boxes kept one name: {:?}", logs()));
    let keeper = urls
        .iter()
        .position(|u| *u == by_name(HOSTNAME))
        .unwrap_or_else(|| panic!("nobody kept the name: {urls:?}"));
    let mover = 1 - keeper;
    let moved = urls[mover]
        .strip_prefix("http://")
        .and_then(|u| u.strip_suffix(&format!(":{PORT}")))
        .unwrap()
        .to_string();
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        resolve(&lan, 2, &format!("{HOSTNAME}.local.")),
        [lan.address(keeper)],
        "{:?}",
        logs()
    );
    assert_eq!(resolve(&lan, 2, &format!("{moved}.")), [lan.address(mover)]);
}

#[test]
fn a_device_that_claims_the_name_without_probing_leaves_one_box_per_name() {
    let test = "a_device_that_claims_the_name_without_probing_leaves_one_box_per_name";
    let Some(lan) = lan_for(test, "c", 3) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let _the_box = start_box(&lan, 0, dir.path());
    let name = format!("{HOSTNAME}.local.");
    until_resolved(&lan, 2, &name, &lan.address(0));
    // python-zeroconf announces a host name without probing it first.
    let device_address = lan.address(1);
    let mut claim = peer(&lan, 1, &["claim", HOSTNAME, &device_address, "30"]);
    let _device = Killed(claim.stdout(Stdio::null()).spawn().unwrap());
    let renamed = within(20, || {
        join_url(&lan, 2, 0).filter(|u| *u != by_name(HOSTNAME))
    });
    let log = || std::fs::read_to_string(dir.path().join("box0.log")).unwrap();
    let url =
        renamed.unwrap_or_else(|| panic!("the box kept a name another device holds: {}", log()));
    let host = url
        .strip_prefix("http://")
        .and_then(|u| u.strip_suffix(&format!(":{PORT}")))
        .unwrap();
    // The box's name leads to the box alone.
    assert_eq!(
        resolve(&lan, 2, &format!("{host}.")),
        [lan.address(0)],
        "{}",
        log()
    );
    assert_eq!(resolve(&lan, 2, &name), [device_address], "{}", log());
}

#[test]
fn every_announcement_goes_out_twice_with_every_address() {
    let test = "every_announcement_goes_out_twice_with_every_address";
    let Some(lan) = lan_for(test, "a", 2) else {
        return;
    };
    let heard = heard_at_start(&lan, 5);
    let name = format!("{HOSTNAME}.local.");
    // `<ms> <name> <type> <ttl> <data> from <sender>`, one record a line.
    let announcements: Vec<&str> = heard
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            f.len() > 4 && f[1] == name && f[2] == "a" && f[3] != "0"
        })
        .collect();
    assert!(
        announcements.len() >= 2,
        "RFC 6762 §8.3: at least two announcements of {name}, heard:\n{heard}"
    );
    // RFC 6762 §6.2: the IPv4 packets carry the IPv6 address too.
    let ipv6_in_ipv4_packets = heard.lines().any(|l| {
        let f: Vec<&str> = l.split(' ').collect();
        f.len() > 6 && f[1] == name && f[2] == "quada" && f[6].contains('.')
    });
    assert!(
        ipv6_in_ipv4_packets,
        "no AAAA record in an IPv4 packet:\n{heard}"
    );
}

/// avahi-daemon (Debian's, without D-Bus) in host `host`, calling itself
/// `name`; its log in `dir`.
fn start_avahi(lan: &Lan, host: usize, name: &str, dir: &Path) -> Killed {
    let conf = dir.join(format!("avahi-{name}.conf"));
    std::fs::write(
        &conf,
        format!(
            "[server]\nhost-name={name}\ndomain-name=local\nuse-ipv4=yes\nuse-ipv6=yes\n\
             enable-dbus=no\n[wide-area]\nenable-wide-area=no\n\
             [publish]\npublish-hinfo=no\npublish-workstation=no\n"
        ),
    )
    .unwrap();
    let log = std::fs::File::create(dir.join(format!("avahi-{name}.log"))).unwrap();
    // Its own /run/avahi-daemon (its pid file), so two can run at once.
    let avahi = lan
        .exec(host, "unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(
            "mkdir -p /run/avahi-daemon && mount -t tmpfs tmpfs /run/avahi-daemon && \
             exec avahi-daemon --file \"$0\" --no-drop-root --no-chroot --no-rlimits",
        )
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    Killed(avahi)
}

/// avahi-daemon is the other side, both ways, and a neighbour: a box
/// meeting avahi's `testparty.local` moves; avahi meeting the box's moves;
/// on one machine (Raspberry Pi OS runs avahi) both answer for their names.
#[test]
fn avahi_and_the_box_respect_each_others_names_and_share_a_machine() {
    let test = "avahi_and_the_box_respect_each_others_names_and_share_a_machine";
    let has_avahi = Command::new("avahi-daemon")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_avahi {
        skip::cannot_run(
            &format!("mdns::{test}"),
            "needs avahi-daemon (scripts/test-deps installs it)",
        );
        return;
    }
    let Some(lan) = lan_for(test, "h", 3) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let read = |file: &str| std::fs::read_to_string(dir.path().join(file)).unwrap_or_default();
    let name = format!("{HOSTNAME}.local.");

    // avahi holds the name first: the box moves.
    let avahi = start_avahi(&lan, 1, HOSTNAME, dir.path());
    until_resolved(&lan, 2, &name, &lan.address(1));
    let the_box = start_box(&lan, 0, dir.path());
    let moved = within(20, || {
        join_url(&lan, 2, 0).filter(|u| *u == by_name(&format!("{HOSTNAME}-2")))
    });
    assert!(moved.is_some(), "box: {}", read("box0.log"));
    assert_eq!(resolve(&lan, 2, &name), [lan.address(1)]);
    drop((the_box, avahi));

    // The box holds the name first: avahi moves, the box keeps it.
    let dir2 = tempfile::tempdir().unwrap();
    let _the_box = start_box(&lan, 0, dir2.path());
    until_resolved(&lan, 2, &name, &lan.address(0));
    let _avahi = start_avahi(&lan, 1, HOSTNAME, dir.path());
    let avahi_log = format!("avahi-{HOSTNAME}.log");
    let avahi_moved = within(20, || {
        read(&avahi_log)
            .contains(&format!("Host name is {HOSTNAME}-2.local"))
            .then_some(())
    });
    assert!(avahi_moved.is_some(), "avahi: {}", read(&avahi_log));
    assert_eq!(join_url(&lan, 2, 0), Some(by_name(HOSTNAME)));
    assert_eq!(resolve(&lan, 2, &name), [lan.address(0)]);

    // A Pi running avahi for itself and the box: both names answer.
    let _pi = start_avahi(&lan, 0, "raspberrypi", dir.path());
    let pi = within(20, || {
        let found = resolve(&lan, 2, "raspberrypi.local.");
        (!found.is_empty()).then_some(found)
    });
    assert_eq!(
        pi,
        Some(vec![lan.address(0)]),
        "{}",
        read("avahi-raspberrypi.log")
    );
    assert_eq!(resolve(&lan, 2, &name), [lan.address(0)]);
}

/// RFC 6762 §5.4: phones asking at once, each for a unicast answer (a
/// one-shot lookup that hears unicast only), all get one.
#[test]
fn phones_that_ask_for_a_unicast_answer_get_one_even_all_at_once() {
    let test = "phones_that_ask_for_a_unicast_answer_get_one_even_all_at_once";
    let Some(lan) = lan_for(test, "u", 4) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let _the_box = start_box(&lan, 0, dir.path());
    let name = format!("{HOSTNAME}.local.");
    until_resolved(&lan, 3, &name, &lan.address(0));
    // Right after a multicast answer (the lookup above), three phones ask.
    let phones: Vec<_> = (1..=3)
        .map(|h| {
            peer(&lan, h, &["ask", &name, "2"])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, phone) in phones.into_iter().enumerate() {
        let out = phone.wait_with_output().unwrap();
        let answer = String::from_utf8_lossy(&out.stdout).trim().to_string();
        println!("phone {}: {answer}", i + 1);
        assert!(
            answer.starts_with("ANSWER ") && answer.ends_with(&format!(" {}", lan.address(0))),
            "phone {} got no unicast answer: {answer}",
            i + 1
        );
    }
}

/// RFC 6762 §10.1: an address the box loses is withdrawn at once (a TTL-0
/// record), not left in every cache for two minutes.
#[test]
fn an_address_that_goes_away_is_withdrawn() {
    let Some(lan) = lan_for("an_address_that_goes_away_is_withdrawn", "g", 2) else {
        return;
    };
    let leaving = "10.77.0.11";
    let with_prefix = format!("{leaving}/24");
    let add = [
        "-n",
        lan.namespace(0),
        "addr",
        "add",
        &with_prefix,
        "dev",
        "eth0",
    ];
    assert!(Command::new("ip").args(add).status().unwrap().success());
    let listener = peer(&lan, 1, &["listen", "16"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let dir = tempfile::tempdir().unwrap();
    let _the_box = start_box(&lan, 0, dir.path());
    std::thread::sleep(Duration::from_secs(4));
    let del = [
        "-n",
        lan.namespace(0),
        "addr",
        "del",
        &with_prefix,
        "dev",
        "eth0",
    ];
    assert!(Command::new("ip").args(del).status().unwrap().success());
    let heard = listener.wait_with_output().unwrap();
    let heard = String::from_utf8_lossy(&heard.stdout);
    let record = |ttl: &str| format!(" {HOSTNAME}.local. a {ttl} {leaving} ");
    assert!(heard.contains(&record("120")), "never announced:\n{heard}");
    assert!(
        heard.contains(&record("0")),
        "no goodbye for {leaving}:\n{heard}"
    );
}

#[test]
fn the_box_serves_the_ipv6_address_it_advertises() {
    let Some(lan) = lan_for("the_box_serves_the_ipv6_address_it_advertises", "6", 2) else {
        return;
    };
    let heard = heard_at_start(&lan, 4);
    let dir = tempfile::tempdir().unwrap();
    let _the_box = start_box(&lan, 0, dir.path());
    let v6 = lan.address6(0);
    assert!(
        heard
            .lines()
            .any(|l| l.contains(" quada ") && l.contains(&format!(" {v6} "))),
        "{v6} not advertised:\n{heard}"
    );
    // Bound to 0.0.0.0 (the default), the box listens on both families.
    for host in [lan.address(0), format!("[{v6}]")] {
        let url = format!("http://{host}:{PORT}/health");
        let health = within(10, || Some(lan.get(1, &url)).filter(|h| !h.is_empty()));
        assert_eq!(health.as_deref(), Some(r#"{"ok":true}"#), "over {host}");
    }
}

#[test]
fn a_browser_in_another_namespace_finds_the_box_by_name() {
    if std::env::var_os(BROWSER_ENV).is_some() {
        return; // we are the browser's process: only the ignored test runs
    }
    let namespaces = match Lan::create("f", 2) {
        Ok(lan) => lan,
        Err(why) => {
            skip::cannot_run(
                "mdns::a_browser_in_another_namespace_finds_the_box_by_name",
                &format!("cannot create network namespaces here ({why}); needs root and iproute2"),
            );
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let _the_box = start_box(&namespaces, 0, dir.path());

    let me = std::env::current_exe().unwrap();
    let browser = namespaces
        .exec(1, me.to_str().unwrap())
        .args([
            "--exact",
            "browse_from_the_peer_namespace",
            "--ignored",
            "--nocapture",
        ])
        .env(BROWSER_ENV, namespaces.namespace(1))
        .output()
        .unwrap();
    let output = String::from_utf8_lossy(&browser.stdout).to_string()
        + &String::from_utf8_lossy(&browser.stderr);
    assert!(browser.status.success(), "the browser failed:\n{output}");
    assert!(output.contains("FOUND 10.77.0.1:8000"), "{output}");
    assert!(output.contains("HEALTH {\"ok\":true}"), "{output}");
    assert!(output.contains("HOST 10.77.0.1"), "{output}");
}

/// The browser: runs only inside the peer namespace the test made.
#[test]
#[ignore = "run by a_browser_in_another_namespace_finds_the_box_by_name, inside its namespace"]
fn browse_from_the_peer_namespace() {
    let namespace = std::env::var(BROWSER_ENV).expect("run by the orchestrating test");
    let identify = Command::new("ip")
        .args(["netns", "identify"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&identify.stdout).trim(),
        namespace,
        "refusing to use mDNS outside the test's own namespace"
    );

    let daemon = ServiceDaemon::new().unwrap();
    let events = daemon.browse("_http._tcp.local.").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let service = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(ServiceEvent::ServiceResolved(service))
                if service.fullname.starts_with(BOX_NAME) =>
            {
                break service;
            }
            Ok(_) => continue,
            Err(e) => panic!("the box was not found: {e}"),
        }
    };
    assert_eq!(service.host, format!("{HOSTNAME}.local."));
    assert_eq!(service.port, PORT);
    assert_eq!(
        service.txt_properties.get_property_val_str("path"),
        Some("/")
    );
    assert_eq!(
        service.txt_properties.get_property_val_str("version"),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let ip = service
        .addresses
        .iter()
        .map(|a| a.to_ip_addr())
        .find(IpAddr::is_ipv4)
        .expect("an IPv4 address");
    println!("FOUND {ip}:{}", service.port);

    // The hostname resolves on its own, too (what a phone's browser does).
    let hosts = daemon
        .resolve_hostname(&format!("{HOSTNAME}.local."), Some(5000))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(6);
    while Instant::now() < deadline {
        if let Ok(mdns_sd::HostnameResolutionEvent::AddressesFound(_, addresses)) =
            hosts.recv_timeout(Duration::from_millis(500))
        {
            let v4 = addresses
                .iter()
                .map(|a| a.to_ip_addr())
                .find(IpAddr::is_ipv4);
            if let Some(v4) = v4 {
                println!("HOST {v4}");
                break;
            }
        }
    }

    // And /health answers there, within the namespaces' own link.
    let mut stream =
        TcpStream::connect_timeout(&SocketAddr::new(ip, service.port), Duration::from_secs(5))
            .unwrap();
    write!(
        stream,
        "GET /health HTTP/1.1\r\nHost: {HOSTNAME}.local\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    println!(
        "HEALTH {}",
        response.split("\r\n\r\n").nth(1).unwrap_or_default()
    );
    let _ = daemon.shutdown();
}
