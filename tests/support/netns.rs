//! A LAN of its own for a test: network namespaces on one bridge, so mDNS
//! and odd links are tested for real without ever reaching a real network.
//! Needs root and iproute2; everything is deleted when the `Lan` drops.
#![allow(dead_code)] // each test binary uses its own part

use std::process::{Child, Command};

/// `hosts` namespaces `10.77.0.1` and `fd77::1`, `10.77.0.2` and
/// `fd77::2`... on a bridge in a hub namespace.
pub struct Lan {
    hub: String,
    hosts: Vec<String>,
    ports: Vec<String>,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`ip {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Lan {
    /// `tag`: a few letters naming the test (interface names are short).
    pub fn create(tag: &str, hosts: usize) -> Result<Lan, String> {
        let id = format!("{}{tag}", std::process::id() % 100_000);
        let lan = Lan {
            hub: format!("dthub{id}"),
            hosts: (0..hosts).map(|i| format!("dth{id}n{i}")).collect(),
            ports: (0..hosts).map(|i| format!("p{id}{i}")).collect(),
        };
        let hub = lan.hub.as_str();
        ip(&["netns", "add", hub])?;
        ip(&["-n", hub, "link", "add", "br0", "type", "bridge"])?;
        // Multicast reaches every port (no snooping to learn first).
        ip(&[
            "-n",
            hub,
            "link",
            "set",
            "br0",
            "type",
            "bridge",
            "mcast_snooping",
            "0",
        ])?;
        ip(&["-n", hub, "link", "set", "br0", "up"])?;
        for (i, (host, port)) in lan.hosts.iter().zip(&lan.ports).enumerate() {
            ip(&["netns", "add", host])?;
            ip(&[
                "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", host,
            ])?;
            ip(&["link", "set", port, "netns", hub])?;
            ip(&["-n", hub, "link", "set", port, "master", "br0", "up"])?;
            let address = format!("{}/24", lan.address(i));
            ip(&["-n", host, "addr", "add", &address, "dev", "eth0"])?;
            let address6 = format!("{}/64", lan.address6(i));
            ip(&["-n", host, "addr", "add", &address6, "dev", "eth0", "nodad"])?;
            ip(&["-n", host, "link", "set", "eth0", "up", "multicast", "on"])?;
            ip(&["-n", host, "link", "set", "lo", "up"])?;
            ip(&["-n", host, "route", "add", "224.0.0.0/4", "dev", "eth0"])?;
        }
        Ok(lan)
    }

    pub fn address(&self, host: usize) -> String {
        format!("10.77.0.{}", host + 1)
    }

    /// The host's IPv6 address (a unique local one, usable at once).
    pub fn address6(&self, host: usize) -> String {
        format!("fd77::{}", host + 1)
    }

    pub fn namespace(&self, host: usize) -> &str {
        &self.hosts[host]
    }

    /// `program` run inside host `host`'s namespace.
    pub fn exec(&self, host: usize, program: &str) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.hosts[host], program]);
        command
    }

    /// Takes host `host` off the bridge, or puts it back, with its link up
    /// all along (as a bridge or an access point that comes back does): the
    /// host notices nothing but the silence.
    pub fn plug(&self, host: usize, plugged: bool) -> Result<(), String> {
        let master: &[&str] = if plugged {
            &["master", "br0"]
        } else {
            &["nomaster"]
        };
        let port = self.ports[host].as_str();
        ip(&[&["-n", &self.hub, "link", "set", port][..], master].concat())
    }

    /// The box's `/box` answer as host `from` gets it from `url`.
    pub fn get(&self, from: usize, url: &str) -> String {
        let out = self
            .exec(from, "curl")
            .args(["-s", "--max-time", "5", url])
            .output()
            .expect("curl");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Lan {
    fn drop(&mut self) {
        // Deleting a namespace deletes its ends of the veth pairs too.
        for name in self.hosts.iter().chain([&self.hub]) {
            let _ = Command::new("ip").args(["netns", "del", name]).status();
        }
    }
}

/// A child process killed when the test ends, pass or fail.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
