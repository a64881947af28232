//! Loudness, measured: two files 10 dB apart play at one level. The box
//! measures each (EBU R128) after its scan; its own speaker plays through
//! ALSA's `file` plugin into a WAV file that sox then measures, each track
//! by its own frequency band (a 440 Hz and an 880 Hz tone), over the part
//! of the capture where that band sounds. (The plugin's `null` slave takes
//! sound faster than real time, so the capture's length says nothing; the
//! level of what the speaker wrote is what counts.)

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::helpers::*;
use crate::sound::{CaptureDevice, sounding_parts_rms_db, tone};

#[tokio::test]
async fn two_tracks_10_db_apart_play_within_1_db_on_the_speaker() {
    let music = tempfile::tempdir().unwrap();
    let m = |name: &str| music.path().join(name).to_str().unwrap().to_string();
    // 10 dB apart, told apart by their notes; and silent tracks for the
    // auto-DJ to play after them.
    tone(&m("loud.wav"), &["synth", "3", "sine", "440", "gain", "-8"]);
    tone(
        &m("quiet.wav"),
        &["synth", "3", "sine", "880", "gain", "-18"],
    );
    for i in 1..=4 {
        tone(&m(&format!("zz silence {i}.wav")), &["trim", "0", "3"]);
    }

    // A sound device that writes what it plays to a file.
    let device = CaptureDevice::new();
    let db = device.home.path().join("party.db");
    let mut running = start_binary(&db, &device.env(music.path())).await;
    let app = TestApp::of_binary(&running);
    let host = app.guest("Anto").await;
    let code = app.bare_room(&host).await;
    // Wait for the scan and the loudness pass.
    let status: Value = wait_until(Duration::from_secs(20), "the loudness pass", || async {
        let s: Value = app.get("/library", Some(&host)).await.json().await.unwrap();
        (s["tracks"] == 6 && s["loudness_pending"] == 0 && s["measuring"] == false).then_some(s)
    })
    .await;
    assert_eq!(status["skipped"], 0, "{status}");

    // Loud starts at once; quiet waits for it. Each plays out on the
    // speaker, then the auto-DJ's silence: time to stop (the WAV closes).
    app.add(&host, &code, "loud").await;
    let queue = app.add(&host, &code, "quiet").await;
    assert_eq!(titles(&queue), ["quiet"], "quiet waits for loud");
    let quiet_gain = queue[0]["gain_db"].as_f64().unwrap();
    let loud_gain: f64 = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT gain_db FROM tracks WHERE title = 'loud'", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    assert!(
        ((quiet_gain - loud_gain) - 10.0).abs() < 1.0,
        "measured gains {loud_gain} and {quiet_gain} dB"
    );
    wait_until(
        Duration::from_secs(20),
        "the auto-DJ after both",
        || async {
            let playing = app.now_playing(&host, &code).await;
            (playing["auto_dj"] == true).then_some(())
        },
    )
    .await;
    assert!(app.queue(&host, &code).await.is_empty());
    let pid = running.child.id().unwrap();
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    running.child.wait().await.unwrap();

    // What the speaker wrote: loud's part, then quiet's, apart in time.
    let parts = sounding_parts_rms_db(&device.wav);
    assert_eq!(parts.len(), 2, "two tracks in the capture: {parts:?}");
    let (loud_db, quiet_db) = (parts[0], parts[1]);
    assert!(
        (loud_db - quiet_db).abs() < 1.0,
        "after normalisation: {loud_db:.2} and {quiet_db:.2} dBFS"
    );
    eprintln!("loudness: files 10 dB apart played at {loud_db:.2} and {quiet_db:.2} dBFS");
}
