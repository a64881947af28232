//! Found by name, for real: the box advertises in one network namespace and
//! a browser in another finds it, resolves it and gets `/health` through it.
//!
//! The test makes its own namespaces and veth pair (so mDNS never reaches
//! a real network) and needs root and iproute2; elsewhere it says why it
//! skips. The browser side is this same test binary, run inside the second
//! namespace (`browse_from_the_peer_namespace`, ignored otherwise).

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mdns_sd::{ServiceDaemon, ServiceEvent};

#[path = "support/skip.rs"]
mod skip;

const BOX_NAME: &str = "Test Party Box";
const HOSTNAME: &str = "testparty";
const PORT: u16 = 8000;
/// Set (to the namespace's name) only when the orchestrator runs the
/// browser inside its own namespace.
const BROWSER_ENV: &str = "DT_MDNS_TEST_NETNS";

struct Namespaces {
    names: [String; 2],
}

impl Namespaces {
    fn create(id: &str) -> Result<Namespaces, String> {
        let names = [format!("dtbox{id}"), format!("dtpeer{id}")];
        let (veth_box, veth_peer) = (format!("vb{id}"), format!("vp{id}"));
        let ns = Namespaces { names };
        let [b, p] = &ns.names;
        let steps: Vec<Vec<&str>> = vec![
            vec!["netns", "add", b],
            vec!["netns", "add", p],
            vec![
                "link", "add", &veth_box, "type", "veth", "peer", "name", &veth_peer,
            ],
            vec!["link", "set", &veth_box, "netns", b],
            vec!["link", "set", &veth_peer, "netns", p],
            vec!["-n", b, "addr", "add", "10.77.0.1/24", "dev", &veth_box],
            vec!["-n", p, "addr", "add", "10.77.0.2/24", "dev", &veth_peer],
            vec!["-n", b, "link", "set", &veth_box, "up", "multicast", "on"],
            vec!["-n", p, "link", "set", &veth_peer, "up", "multicast", "on"],
            vec!["-n", b, "link", "set", "lo", "up"],
            vec!["-n", p, "link", "set", "lo", "up"],
            vec!["-n", b, "route", "add", "224.0.0.0/4", "dev", &veth_box],
            vec!["-n", p, "route", "add", "224.0.0.0/4", "dev", &veth_peer],
        ];
        for args in steps {
            let out = Command::new("ip")
                .args(&args)
                .output()
                .map_err(|e| format!("cannot run ip: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "`ip {}` failed: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
        }
        Ok(ns)
    }

    fn exec(&self, which: usize, program: &str) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.names[which], program]);
        command
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        for name in &self.names {
            // Deleting a namespace deletes its end of the veth pair too.
            let _ = Command::new("ip").args(["netns", "del", name]).status();
        }
    }
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_browser_in_another_namespace_finds_the_box_by_name() {
    if std::env::var_os(BROWSER_ENV).is_some() {
        return; // we are the browser's process: only the ignored test runs
    }
    let id = format!("{}", std::process::id() % 100_000);
    let namespaces = match Namespaces::create(&id) {
        Ok(ns) => ns,
        Err(why) => {
            skip::cannot_run(
                "mdns::a_browser_in_another_namespace_finds_the_box_by_name",
                &format!("cannot create network namespaces here ({why}); needs root and iproute2"),
            );
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let the_box = namespaces
        .exec(0, env!("CARGO_BIN_EXE_democratic-tunes"))
        .args(["--bind", &format!("0.0.0.0:{PORT}"), "--db"])
        .arg(dir.path().join("mdns.db"))
        .args(["--name", BOX_NAME, "--hostname", HOSTNAME])
        .env_remove("DT_NO_MDNS")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _the_box = Killed(the_box);

    let me = std::env::current_exe().unwrap();
    let browser = namespaces
        .exec(1, me.to_str().unwrap())
        .args([
            "--exact",
            "browse_from_the_peer_namespace",
            "--ignored",
            "--nocapture",
        ])
        .env(BROWSER_ENV, &namespaces.names[1])
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
